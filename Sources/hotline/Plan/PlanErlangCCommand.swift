import ArgumentParser
import Planning

/// `hotline plan erlang-c`: agents for one interval.
struct PlanErlangCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erlang-c",
        abstract: "Agents for one interval by Erlang C (callers wait in queue).",
        discussion: """
            Example: 100 calls per 30 minutes, AHT 180 s, 80% answered in 20 s, 30% shrinkage:
              hotline plan erlang-c --calls 100 --interval 1800 --aht 180 --target 0.8/20 --shrinkage 0.3
            → 14 agents, service level 88.8%, occupancy 71.4%, 20 staff.
            """)

    @Option(help: "Calls offered in the interval.")
    var calls: Double

    @Option(help: "Interval length in seconds (900, 1800, 3600).")
    var interval: Double = 1800

    @Option(help: "Average handle time in seconds.")
    var aht: Double

    @Option(help: "Service-level target SHARE/SECONDS, e.g. 0.8/20 or 80/20.")
    var target: String?

    @Option(help: "Longest acceptable average speed of answer, in seconds.")
    var asa: Double?

    @Option(name: .customLong("max-occupancy"), help: "Highest acceptable occupancy, e.g. 0.85.")
    var maxOccupancy: Double?

    @Option(help: "Share of paid time not on the phones, e.g. 0.3.")
    var shrinkage: Double = 0

    @Option(help: "Evaluate this many agents instead of searching for the fewest.")
    var agents: Int?

    @OptionGroup var output: PlanOutputOptions

    func run() throws {
        let level = try parsePlanTarget(target)
        if level == nil, asa == nil, agents == nil {
            throw ValidationError("give --target (e.g. 0.8/20), --asa SECONDS, or --agents N")
        }
        let summary = try runPlanning {
            let goal = try StaffingGoal(serviceLevel: level, maximumAverageSpeedOfAnswer: asa, maximumOccupancy: maxOccupancy, shrinkage: shrinkage)
            return try ErlangCSummary(calls: calls, intervalSeconds: interval, averageHandleTime: aht, goal: goal, agents: agents)
        }
        try output.emit(summary)
    }
}
