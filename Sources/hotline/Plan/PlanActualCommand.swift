import ArgumentParser
import Planning

/// `hotline plan actual`: what a period cost and what is paid for but not used.
struct PlanActualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actual",
        abstract: "Actual cost of a period from call records, with recommendations.",
        discussion: """
            Reads call records from a CSV file for now (columns start, answer, end, trunk, \
            agent, recorded_seconds, inspected; times in UTC); once the CDR store exists it \
            feeds this command directly. Trunks come from --trunk NAME=sip:CHANNELS or \
            NAME=pri:CHANNELS (channels paid). Example:
              hotline plan actual --cdr examples/planning/cdr-sample.csv \\
                --from 2025-03-03 --to 2025-03-06 --trunk telecom-sip=sip:60 --trunk unicom-pri=pri:60
            """)

    @Option(help: "Call-record CSV file.")
    var cdr: String

    @Option(help: "Period start, YYYY-MM-DD[ HH:MM] (UTC).")
    var from: String

    @Option(help: "Period end (exclusive).")
    var to: String

    @Option(help: "A trunk and its paid channels: NAME=sip:60 or NAME=pri:60 (repeat per trunk).")
    var trunk: [String] = []

    @Option(help: "Blocking target for the channels to keep.")
    var blocking: Double = 0.01

    @Option(name: .customLong("agent-hours"), help: "Agent hours staffed in the period, for occupancy.")
    var agentHours: Double?

    @Option(name: .customLong("retention-years"), help: "Years recordings are kept.")
    var retentionYears: Double = 1

    @Option(help: "Price book YAML over the standard prices.")
    var prices: String?

    @OptionGroup var output: PlanOutputOptions

    func run() throws {
        let report = try runPlanning { () throws -> ActualCostReport in
            guard let fromDate = TimeParsing.timestamp(from) else { throw PlanCommandError(message: "--from '\(from)' should be YYYY-MM-DD[ HH:MM]") }
            guard let toDate = TimeParsing.timestamp(to) else { throw PlanCommandError(message: "--to '\(to)' should be YYYY-MM-DD[ HH:MM]") }
            let contracts = try trunk.map(TrunkContract.init(parsing:))
            let book = try prices.map { try PriceBook(contentsOf: $0) } ?? .standard
            let settings = ActualCostSettings(trunks: contracts, blocking: blocking, staffedAgentHours: agentHours,
                                              retentionYears: retentionYears, prices: book)
            let records = try CallRecordCSV.read(CSVTable(contentsOf: cdr))
            return try ActualCostAnalyzer(settings: settings).analyze(records, from: fromDate, to: toDate)
        }
        try output.emit(report)
    }
}
