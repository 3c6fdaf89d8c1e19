/// A DTMF key, numbered as RFC 4733 event codes 0–15.
public enum DTMFDigit: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case zero = 0, one, two, three, four, five, six, seven, eight, nine
    case star = 10, pound = 11, a = 12, b = 13, c = 14, d = 15

    /// The key as typed: `0`–`9`, `*`, `#`, `A`–`D`.
    public var character: Character {
        switch self {
        case .star: "*"
        case .pound: "#"
        case .a: "A"
        case .b: "B"
        case .c: "C"
        case .d: "D"
        default: Character(String(rawValue))
        }
    }

    public var description: String { String(character) }

    /// The key for a character (`a`–`d` in either case).
    public init?(character: Character) {
        switch character {
        case "0"..."9": self.init(rawValue: UInt8(String(character))!)
        case "*": self = .star
        case "#": self = .pound
        case "A", "a": self = .a
        case "B", "b": self = .b
        case "C", "c": self = .c
        case "D", "d": self = .d
        default: return nil
        }
    }

    /// The row (low group) and column (high group) frequencies in Hz.
    public var frequencies: (low: Double, high: Double) {
        let (row, column) = Self.position(self)
        return (Self.lowGroup[row], Self.highGroup[column])
    }

    /// Low-group (row) frequencies, Hz.
    public static let lowGroup: [Double] = [697, 770, 852, 941]
    /// High-group (column) frequencies, Hz.
    public static let highGroup: [Double] = [1209, 1336, 1477, 1633]
    static let keypad: [[DTMFDigit]] = [[.one, .two, .three, .a], [.four, .five, .six, .b],
                                         [.seven, .eight, .nine, .c], [.star, .zero, .pound, .d]]

    static func position(_ digit: DTMFDigit) -> (Int, Int) {
        for (r, row) in keypad.enumerated() {
            if let c = row.firstIndex(of: digit) { return (r, c) }
        }
        return (0, 0)
    }
}

/// Where a digit came from.
public enum DTMFSource: Sendable, Hashable {
    /// RFC 4733 telephone-event RTP packets.
    case telephoneEvent
    /// Detected in the audio (Goertzel).
    case inband
    /// A SIP INFO request (`application/dtmf-relay`).
    case sipInfo
}

/// One key press, reported once whatever carried it.
public struct DTMFEvent: Sendable, Hashable {
    public var digit: DTMFDigit
    public var source: DTMFSource
    /// How long the key was known to be down when reported (RFC 4733 and in-band report at the start
    /// of the press, so this is the part seen so far; SIP INFO gives the whole duration).
    public var duration: Duration

    public init(digit: DTMFDigit, source: DTMFSource, duration: Duration) {
        self.digit = digit
        self.source = source
        self.duration = duration
    }
}
