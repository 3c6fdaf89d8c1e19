import ArgumentParser
import ContactCenter
import Foundation
import Logging
import Server

/// `hotline serve`: runs the contact center.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the contact center (the built-in demo hotline without --config).")

    @Option(help: "The configuration file (YAML), checked as a whole before anything starts; without it the built-in demo hotline runs. Agents register with the extensions and passwords it declares; call flows run once the call layer lands.")
    var config: String?

    @Option(help: "The data directory (database, recordings).")
    var data: String = "data"

    @Option(help: "Address to bind; repeat for several (IPv4 or IPv6).")
    var bind: [String] = []

    @Option(help: "SIP port (UDP and TCP).")
    var sipPort: Int = 5060

    @Option(help: "HTTP port.")
    var httpPort: Int = 8080

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func run() async throws {
        let configuration: HotlineConfiguration
        do {
            configuration = try config.map { try ConfigurationLoader().load($0) } ?? DemoConfiguration.load()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode.failure
        }
        var logger = Logger(label: "hotline")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var options = ServerOptions()
        if !bind.isEmpty { options.bindAddresses = bind }
        options.sipPort = sipPort
        options.httpPort = httpPort
        options.dataDirectory = data
        try await HotlineServer.run(configuration: configuration, isDemo: config == nil, options: options, logger: logger)
    }
}
