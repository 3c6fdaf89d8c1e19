import ArgumentParser

/// `hotline plan …`: Erlang and cost planning.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Erlang capacity, staffing and cost planning.",
        discussion: """
            Trunk channels by Erlang B, agents by Erlang C, staffing per interval of a \
            forecast, the annual cost of a traditional PRI setup against Hotline, and the \
            actual cost of a period from call records. Every command prints a table, or \
            --format json, or --format html (a self-contained report with charts).
            """,
        subcommands: [
            PlanErlangBCommand.self, PlanErlangCCommand.self, PlanStaffCommand.self,
            PlanCostCommand.self, PlanActualCommand.self,
        ]
    )
}
