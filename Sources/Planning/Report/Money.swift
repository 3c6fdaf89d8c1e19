import Foundation

/// Number formatting shared by the reports.
public enum Money {
    /// `1234567.4` → `1,234,567` (whole units, thousands separated).
    public static func plain(_ value: Double) -> String {
        let rounded = value.rounded()
        let negative = rounded < 0
        var digits = String(Int(abs(rounded)))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (negative ? "-" : "") + groups.joined(separator: ",")
    }

    /// A short number without trailing zeros: `0.2`, `5`, `2.5`.
    public static func number(_ value: Double, decimals: Int = 3) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `0.4567` → `45.7%`.
    public static func percent(_ share: Double, decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f%%", share * 100)
    }
}
