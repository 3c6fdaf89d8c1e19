/// Lets a log line through at most once per interval and counts the events it held back, so that a
/// flood (of refused calls, of overloads) cannot flood the log as well. A value: the caller passes the time.
public struct LogThrottle: Sendable {
    /// Seconds between lines, at least.
    public let interval: Double
    private var last: Double?
    private var held = 0

    public init(seconds interval: Double) {
        self.interval = interval
    }

    /// An event at `now` (seconds on any clock that does not jump): the number of events since the last
    /// line, this one included, when a line is due; nil when this one is only counted.
    public mutating func event(at now: Double) -> Int? {
        held += 1
        if let last, now - last < interval { return nil }
        last = now
        defer { held = 0 }
        return held
    }
}
