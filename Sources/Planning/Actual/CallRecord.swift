import Foundation

/// One call as the cost analysis needs it: when it held a trunk, when an agent
/// answered, and what was recorded and inspected. A plain value so that any
/// source (a CDR store, a CSV export) can feed the analysis.
public struct CallRecord: Hashable, Sendable, Codable {
    /// When the call seized the trunk.
    public var start: Date
    /// When an agent answered; `nil` for calls that ended in the IVR or abandoned.
    public var answered: Date?
    /// When the call released the trunk.
    public var end: Date
    /// The trunk's name in the configuration.
    public var trunk: String
    /// The agent who handled it, if any.
    public var agent: String?
    /// Seconds of recording stored.
    public var recordedSeconds: Double
    /// Whether quality inspection covered the call.
    public var inspected: Bool

    public init(start: Date, answered: Date? = nil, end: Date, trunk: String, agent: String? = nil,
                recordedSeconds: Double = 0, inspected: Bool = false) {
        self.start = start
        self.answered = answered
        self.end = end
        self.trunk = trunk
        self.agent = agent
        self.recordedSeconds = recordedSeconds
        self.inspected = inspected
    }

    /// Seconds on the trunk.
    public var duration: Double { max(0, end.timeIntervalSince(start)) }

    /// Seconds from answer to end (the handle time seen by the CDR), 0 if unanswered.
    public var handleSeconds: Double { answered.map { max(0, end.timeIntervalSince($0)) } ?? 0 }
}

/// Reads call records from CSV with columns `start`, `answer` (empty when unanswered),
/// `end`, `trunk`, and optionally `agent`, `recorded_seconds`, `inspected`.
/// Times are `YYYY-MM-DD HH:MM:SS` (UTC) or seconds since 1970.
public enum CallRecordCSV {
    public static func read(_ table: CSVTable) throws -> [CallRecord] {
        let start = try table.requireColumn(["start", "start_time"])
        let answer = table.column(["answer", "answered", "answer_time"])
        let end = try table.requireColumn(["end", "end_time"])
        let trunk = try table.requireColumn(["trunk", "trunk_name"])
        let agent = table.column(["agent"])
        let recorded = table.column(["recorded_seconds", "recorded", "recording_seconds"])
        let inspected = table.column(["inspected", "qa"])
        var records: [CallRecord] = []
        records.reserveCapacity(table.rows.count)
        for (line, fields) in table.rows {
            func field(_ index: Int?) -> String {
                guard let index, index < fields.count else { return "" }
                return fields[index]
            }
            func time(_ index: Int, _ name: String) throws -> Date {
                guard let date = TimeParsing.timestamp(field(index)) else {
                    throw PlanningError.invalidInput(source: table.source, line: line, message: "\(name) '\(field(index))' is not a time like 2025-03-03 08:15:00")
                }
                return date
            }
            let s = try time(start, "start")
            let e = try time(end, "end")
            guard e >= s else {
                throw PlanningError.invalidInput(source: table.source, line: line, message: "end is before start")
            }
            var a: Date?
            if let answer, !field(answer).isEmpty {
                a = try time(answer, "answer")
            }
            let name = field(trunk)
            guard !name.isEmpty else {
                throw PlanningError.invalidInput(source: table.source, line: line, message: "trunk is empty")
            }
            var seconds = 0.0
            if let recorded, !field(recorded).isEmpty {
                seconds = try table.number(fields, recorded, line: line, name: "recorded_seconds")
            }
            let flag = field(inspected).lowercased()
            records.append(CallRecord(
                start: s, answered: a, end: e, trunk: name, agent: field(agent).isEmpty ? nil : field(agent),
                recordedSeconds: seconds, inspected: ["1", "true", "yes", "y"].contains(flag)))
        }
        return records
    }
}

extension Forecast {
    /// A forecast built from what happened: calls offered per interval from `from`
    /// to `to`, and the mean handle time of the interval's answered calls (the
    /// period's mean where an interval has none).
    public init(records: [CallRecord], from: Date, to: Date, intervalSeconds: Double) throws {
        try Check.positive(intervalSeconds, name: "interval (seconds)")
        guard to > from else {
            throw PlanningError.outOfRange(name: "period length (seconds)", value: to.timeIntervalSince(from), expected: "--to after --from")
        }
        let count = Int((to.timeIntervalSince(from) / intervalSeconds).rounded(.up))
        var calls = [Double](repeating: 0, count: count)
        var handle = [Double](repeating: 0, count: count)
        var answered = [Double](repeating: 0, count: count)
        var allHandle = 0.0, allAnswered = 0.0
        for record in records where record.start >= from && record.start < to {
            let index = Int(record.start.timeIntervalSince(from) / intervalSeconds)
            calls[index] += 1
            if record.answered != nil {
                handle[index] += record.handleSeconds
                answered[index] += 1
                allHandle += record.handleSeconds
                allAnswered += 1
            }
        }
        let mean = allAnswered > 0 ? allHandle / allAnswered : 180
        let intervals = (0..<count).map { i in
            ForecastInterval(
                start: TimeParsing.format(from.addingTimeInterval(Double(i) * intervalSeconds)),
                calls: calls[i],
                averageHandleTime: answered[i] > 0 ? max(1, handle[i] / answered[i]) : mean)
        }
        try self.init(intervalSeconds: intervalSeconds, intervals: intervals)
    }
}
