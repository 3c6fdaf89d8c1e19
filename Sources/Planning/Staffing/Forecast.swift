/// One interval of a forecast: when it starts, how many calls arrive, and their average handle time.
public struct ForecastInterval: Hashable, Sendable, Codable {
    /// The interval's start as written in the source, e.g. `Mon 08:00` or `2025-03-03 08:00`.
    public var start: String
    /// Calls offered in the interval.
    public var calls: Double
    /// Average handle time in seconds (talk plus hold plus wrap-up).
    public var averageHandleTime: Double

    public init(start: String, calls: Double, averageHandleTime: Double) {
        self.start = start
        self.calls = calls
        self.averageHandleTime = averageHandleTime
    }
}

/// A day or week profile of equal intervals (typically 15, 30 or 60 minutes).
public struct Forecast: Hashable, Sendable, Codable {
    /// Interval length in seconds.
    public var intervalSeconds: Double
    public var intervals: [ForecastInterval]

    public init(intervalSeconds: Double, intervals: [ForecastInterval]) throws {
        try Check.positive(intervalSeconds, name: "interval length (seconds)")
        for (index, interval) in intervals.enumerated() {
            guard interval.calls.isFinite, interval.calls >= 0 else {
                throw PlanningError.outOfRange(name: "calls in interval \(index + 1) (\(interval.start))", value: interval.calls, expected: "a number ≥ 0")
            }
            guard interval.calls == 0 || (interval.averageHandleTime.isFinite && interval.averageHandleTime > 0) else {
                throw PlanningError.outOfRange(name: "AHT in interval \(index + 1) (\(interval.start))", value: interval.averageHandleTime, expected: "seconds > 0")
            }
        }
        self.intervalSeconds = intervalSeconds
        self.intervals = intervals
    }

    /// Total calls over all intervals.
    public var totalCalls: Double { intervals.reduce(0) { $0 + $1.calls } }
}
