/// A service-level target: a share of calls answered within a number of seconds,
/// e.g. 80% in 20 s, written `0.8/20` or `80/20`.
public struct ServiceLevelTarget: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The share of calls to answer in time, from 0 to 1.
    public var fraction: Double
    /// The answer time in seconds.
    public var seconds: Double

    public init(fraction: Double, seconds: Double) throws {
        guard fraction.isFinite, fraction > 0, fraction < 1 else {
            throw PlanningError.outOfRange(
                name: "service level", value: fraction,
                expected: "more than 0% and less than 100% (a queue never answers every call in time)")
        }
        try Check.nonNegative(seconds, name: "answer time (seconds)")
        self.fraction = fraction
        self.seconds = seconds
    }

    /// Parses `0.8/20`, `80/20` or `80%/20s`. A whole number above 1 is read as a percentage;
    /// 100% or more is out of range.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw PlanningError.invalidInput(
                source: "service-level target", line: nil,
                message: "'\(text)' should be SHARE/SECONDS, e.g. 0.8/20 or 80/20")
        }
        var share = parts[0].trimmingCharacters(in: .whitespaces)
        var percent = false
        if share.hasSuffix("%") { share.removeLast(); percent = true }
        var secs = parts[1].trimmingCharacters(in: .whitespaces)
        if secs.hasSuffix("s") { secs.removeLast() }
        guard var fraction = Double(share), let seconds = Double(secs) else {
            throw PlanningError.invalidInput(
                source: "service-level target", line: nil,
                message: "'\(text)' should be SHARE/SECONDS, e.g. 0.8/20 or 80/20")
        }
        if !percent, fraction > 1, fraction < 100, fraction != fraction.rounded() {
            throw PlanningError.invalidInput(
                source: "service-level target", line: nil,
                message: "'\(text)' is ambiguous: write a share such as 0.8/20, or a percentage such as 80/20 or 1.5%/20")
        }
        if percent || fraction > 1 { fraction /= 100 }
        try self.init(fraction: fraction, seconds: seconds)
    }

    public var description: String {
        "\(String(format: "%g", fraction * 100))% in \(String(format: "%g", seconds)) s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            try self.init(parsing: text)
        } else {
            struct Parts: Decodable { var fraction: Double; var seconds: Double }
            let parts = try Parts(from: decoder)
            try self.init(fraction: parts.fraction, seconds: parts.seconds)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("\(String(format: "%g", fraction))/\(String(format: "%g", seconds))")
    }
}
