/// Masks phone numbers for logs: personal data stays out of them by default.
public enum PhoneNumberMask {
    /// `13812345678` → `138****5678`; short numbers keep their first and last
    /// digit; anything that is not mostly digits (an extension name) passes.
    public static func mask(_ number: String) -> String {
        let chars = Array(number)
        let digits = chars.filter(\.isNumber).count
        guard digits >= 5, digits * 2 >= chars.count else { return number }
        let keepHead = chars.count >= 11 ? 3 : 1
        let keepTail = chars.count >= 11 ? 4 : 1
        guard chars.count > keepHead + keepTail else { return number }
        return String(chars.prefix(keepHead)) + String(repeating: "*", count: chars.count - keepHead - keepTail) + String(chars.suffix(keepTail))
    }

    /// The URI with its user part masked.
    public static func mask(_ uri: SIPURI) -> String {
        var u = uri
        if let user = u.user { u.user = mask(PercentEncoding.decode(user)) }
        return u.description
    }
}
