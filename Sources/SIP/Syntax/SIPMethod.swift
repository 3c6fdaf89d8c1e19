/// A SIP request method. Methods are case-sensitive tokens (RFC 3261 §7.1).
public struct SIPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let invite: SIPMethod = "INVITE"
    public static let ack: SIPMethod = "ACK"
    public static let bye: SIPMethod = "BYE"
    public static let cancel: SIPMethod = "CANCEL"
    public static let register: SIPMethod = "REGISTER"
    public static let options: SIPMethod = "OPTIONS"
    public static let info: SIPMethod = "INFO"
    public static let update: SIPMethod = "UPDATE"
    public static let prack: SIPMethod = "PRACK"
    public static let subscribe: SIPMethod = "SUBSCRIBE"
    public static let notify: SIPMethod = "NOTIFY"
    public static let refer: SIPMethod = "REFER"
    public static let message: SIPMethod = "MESSAGE"
    public static let publish: SIPMethod = "PUBLISH"
}

extension SIPMethod {
    /// The method spelled by `bytes[range]`: a shared literal for the common
    /// methods (no new string), else a new one.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> SIPMethod {
        let n = range.count
        if n >= 3 && n <= 9 {
            let known: SIPMethod? = bytes.withUnsafeBufferPointer { p -> SIPMethod? in
                let q = p.baseAddress! + range.lowerBound
                func matches(_ m: StaticString) -> Bool {
                    guard m.utf8CodeUnitCount == n else { return false }
                    let u = m.utf8Start
                    for k in 0..<n where q[k] != u[k] { return false }
                    return true
                }
                switch q[0] {
                case 73: // I
                    if matches("INVITE") { return .invite }
                    if matches("INFO") { return .info }
                case 65: if matches("ACK") { return .ack } // A
                case 66: if matches("BYE") { return .bye } // B
                case 67: if matches("CANCEL") { return .cancel } // C
                case 82: // R
                    if matches("REGISTER") { return .register }
                    if matches("REFER") { return .refer }
                case 79: if matches("OPTIONS") { return .options } // O
                case 85: if matches("UPDATE") { return .update } // U
                case 80: // P
                    if matches("PRACK") { return .prack }
                    if matches("PUBLISH") { return .publish }
                case 83: if matches("SUBSCRIBE") { return .subscribe } // S
                case 78: if matches("NOTIFY") { return .notify } // N
                case 77: if matches("MESSAGE") { return .message } // M
                default: break
                }
                return nil
            }
            if let known { return known }
        }
        return SIPMethod(String(decoding: bytes[range], as: UTF8.self))
    }
}
