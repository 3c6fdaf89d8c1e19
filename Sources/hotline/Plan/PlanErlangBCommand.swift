import ArgumentParser
import Planning

/// `hotline plan erlang-b`: channels, traffic or blocking of a trunk group.
struct PlanErlangBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erlang-b",
        abstract: "Trunk channels by Erlang B (blocked calls lost).",
        discussion: """
            Give two of --channels, --traffic and --blocking; the third is computed:
              --channels 15 --blocking 0.01    traffic the channels carry at 1% blocking (8.108 E)
              --traffic 33.33 --blocking 0.01  channels needed (45)
              --channels 45 --traffic 33.33    blocking of that trunk group
            """)

    @Option(help: "Number of channels (lines).")
    var channels: Int?

    @Option(help: "Offered traffic in erlangs (busy-hour calls × holding seconds / 3600).")
    var traffic: Double?

    @Option(help: "Blocking probability target, e.g. 0.01 for 1%.")
    var blocking: Double?

    @OptionGroup var output: PlanOutputOptions

    func run() throws {
        let summary: ErlangBSummary = try runPlanning {
            switch (channels, traffic, blocking) {
            case let (n?, nil, p?):
                return try ErlangBSummary(solvedFor: "traffic", channels: n, traffic: ErlangB.traffic(channels: n, blocking: p))
            case let (nil, a?, p?):
                return try ErlangBSummary(solvedFor: "channels", channels: ErlangB.channels(traffic: a, blocking: p), traffic: a)
            case let (n?, a?, nil):
                return try ErlangBSummary(solvedFor: "blocking", channels: n, traffic: a)
            default:
                throw PlanCommandError(message: "give exactly two of --channels, --traffic and --blocking")
            }
        }
        try output.emit(summary)
    }
}
