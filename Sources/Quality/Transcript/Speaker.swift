import Foundation

/// Who is talking on a call.
///
/// In a stereo recording the customer is on the left channel and the agent on the right.
public enum Speaker: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case agent
    case customer

    /// Parses the spellings found in transcript files: `agent`/`customer` and common synonyms.
    public init?(label: String) {
        switch label.lowercased().trimmingCharacters(in: .whitespaces) {
        case "agent", "staff", "operator", "坐席", "客服", "a": self = .agent
        case "customer", "caller", "client", "user", "客户", "用户", "c": self = .customer
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let speaker = Speaker(label: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown speaker \"\(raw)\": expected agent or customer")
        }
        self = speaker
    }

    /// The other party on the call.
    public var other: Speaker { self == .agent ? .customer : .agent }

    /// The Chinese name used in tables.
    public var chineseName: String { self == .agent ? "坐席" : "客户" }

    public static func < (lhs: Speaker, rhs: Speaker) -> Bool { lhs.rawValue < rhs.rawValue }
}
