/// Reads a forecast from CSV: a header with `start`, `calls` and `aht` (seconds) columns,
/// one row per interval.
///
/// ```
/// start,calls,aht
/// Mon 08:00,42,185
/// Mon 08:15,57,190
/// ```
/// The interval length is given, or taken from the difference between the first two starts.
public enum ForecastCSV {
    public static let startColumns = ["start", "interval_start", "interval", "time"]
    public static let callsColumns = ["calls", "offered", "volume"]
    public static let ahtColumns = ["aht", "aht_seconds", "average_handle_time"]

    public static func read(_ table: CSVTable, intervalSeconds: Double? = nil) throws -> Forecast {
        let start = try table.requireColumn(startColumns)
        let calls = try table.requireColumn(callsColumns)
        let aht = try table.requireColumn(ahtColumns)
        var intervals: [ForecastInterval] = []
        for row in table.rows {
            let label = start < row.fields.count ? row.fields[start] : ""
            let count = try table.number(row.fields, calls, line: row.line, name: "calls")
            let handle = try table.number(row.fields, aht, line: row.line, name: "aht")
            guard count >= 0 else {
                throw PlanningError.invalidInput(source: table.source, line: row.line, message: "calls \(count) is negative")
            }
            guard handle > 0 || count == 0 else {
                throw PlanningError.invalidInput(source: table.source, line: row.line, message: "aht \(handle) must be seconds > 0")
            }
            intervals.append(ForecastInterval(start: label, calls: count, averageHandleTime: handle))
        }
        guard !intervals.isEmpty else {
            throw PlanningError.invalidInput(source: table.source, line: nil, message: "no intervals after the header")
        }
        var length = intervalSeconds
        if length == nil, intervals.count >= 2,
           let first = TimeParsing.minutes(intervals[0].start), let second = TimeParsing.minutes(intervals[1].start),
           second > first {
            length = (second - first) * 60
        }
        guard let length else {
            throw PlanningError.invalidInput(
                source: table.source, line: nil,
                message: "cannot tell the interval length from the first two starts; give it (e.g. --interval 900)")
        }
        return try Forecast(intervalSeconds: length, intervals: intervals)
    }
}
