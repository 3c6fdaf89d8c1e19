import ArgumentParser
import Foundation
import Planning

/// `hotline plan staff`: agents and staff for every interval of a day or week.
struct PlanStaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Staffing per interval from a forecast CSV or from call records.",
        discussion: """
            --profile FILE is a CSV with columns start,calls,aht (seconds), one row per \
            15-, 30- or 60-minute interval (see examples/planning/forecast-week.csv). \
            --cdr FILE takes the calls of a period instead (same CSV as `plan actual`).
            """)

    @Option(help: "Forecast CSV: start,calls,aht.")
    var profile: String?

    @Option(help: "Call-record CSV to build the profile from (with --from and --to).")
    var cdr: String?

    @Option(help: "Period start for --cdr, YYYY-MM-DD[ HH:MM] (UTC).")
    var from: String?

    @Option(help: "Period end for --cdr (exclusive).")
    var to: String?

    @Option(help: "Interval length in seconds (default: from the profile's first two rows; 900 for --cdr).")
    var interval: Double?

    @Option(help: "Service-level target SHARE/SECONDS.")
    var target: String = "0.8/20"

    @Option(help: "Longest acceptable average speed of answer, in seconds.")
    var asa: Double?

    @Option(name: .customLong("max-occupancy"), help: "Highest acceptable occupancy.")
    var maxOccupancy: Double?

    @Option(help: "Share of paid time not on the phones.")
    var shrinkage: Double = 0

    @Option(help: "Trunk blocking target; adds trunk channels per interval.")
    var blocking: Double?

    @Option(name: .customLong("ivr-seconds"), help: "Seconds a call spends in the IVR before queueing (trunk holding time).")
    var ivrSeconds: Double = 0

    @OptionGroup var output: PlanOutputOptions

    func run() throws {
        let level = try parsePlanTarget(target)
        let plan = try runPlanning { () throws -> StaffingPlan in
            let forecast: Forecast
            switch (profile, cdr) {
            case let (path?, nil):
                forecast = try ForecastCSV.read(CSVTable(contentsOf: path), intervalSeconds: interval)
            case let (nil, path?):
                guard let from, let fromDate = TimeParsing.timestamp(from), let to, let toDate = TimeParsing.timestamp(to) else {
                    throw PlanCommandError(message: "--cdr needs --from and --to as YYYY-MM-DD[ HH:MM]")
                }
                let records = try CallRecordCSV.read(CSVTable(contentsOf: path))
                forecast = try Forecast(records: records, from: fromDate, to: toDate, intervalSeconds: interval ?? 900)
            default:
                throw PlanCommandError(message: "give --profile FILE or --cdr FILE")
            }
            let goal = try StaffingGoal(serviceLevel: level, maximumAverageSpeedOfAnswer: asa, maximumOccupancy: maxOccupancy, shrinkage: shrinkage)
            return try StaffingPlanner(goal: goal, blocking: blocking, ivrSeconds: ivrSeconds).plan(forecast)
        }
        try output.emit(plan)
    }
}
