import ArgumentParser

@main
struct Hotline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "A contact center for 95 hotlines.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, PlanCommand.self, QACommand.self]
    )
}
