import Foundation

/// The `hotline` section: the 95 number(s), the name callers and reports see, and the time zone.
public struct HotlineSettings: Sendable, Equatable {
    /// The 95 numbers (95 followed by 3 or 4 digits, e.g. `95599` or `959999`).
    public var numbers: [String]
    /// Display name (reports, the console, the From display name of outbound calls).
    public var name: String
    /// The time zone schedules use unless they name another; default Asia/Shanghai.
    public var timeZone: TimeZone
    /// Calls are ended (with BYE on both legs) after this long, whatever they are doing.
    public var maxCallDuration: Duration
    /// New calls the node admits per second from all trunks together (bursts of up to one second's
    /// worth); `nil` means no limit. Set it below what the node sustains, and a flood of calls gets
    /// quick 503s instead of slowing every call down.
    public var callsPerSecond: Int?

    public init(numbers: [String], name: String, timeZone: TimeZone = HotlineSettings.defaultTimeZone,
                maxCallDuration: Duration = HotlineSettings.defaultMaxCallDuration, callsPerSecond: Int? = nil) {
        self.numbers = numbers
        self.name = name
        self.timeZone = timeZone
        self.maxCallDuration = maxCallDuration
        self.callsPerSecond = callsPerSecond
    }

    /// Four hours.
    public static let defaultMaxCallDuration = Duration.seconds(4 * 3600)

    /// Asia/Shanghai.
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// Whether `number` is a national 95 hotline number: `95` and 3 or 4 more digits.
    public static func isHotlineNumber(_ number: String) -> Bool {
        (5...6).contains(number.count) && number.hasPrefix("95") && number.allSatisfy(\.isDecimalDigitASCII)
    }
}

extension Character {
    var isDecimalDigitASCII: Bool { isASCII && isNumber }
}
