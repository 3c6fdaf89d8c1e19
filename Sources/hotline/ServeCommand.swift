import ArgumentParser

/// `hotline serve`: runs the contact center.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the contact center.")
    func run() async throws {}
}
