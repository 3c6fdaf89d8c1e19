import ArgumentParser

/// `hotline plan …`: Erlang and cost planning.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Erlang capacity, staffing and cost planning.")
}
