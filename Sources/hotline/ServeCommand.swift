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

    @Option(help: "The configuration file (YAML), checked as a whole before anything starts; without it the built-in demo hotline runs. Agents register with the extensions and passwords it declares.")
    var config: String?

    @Option(help: "The data directory (database, recordings).")
    var data: String = "data"

    @Option(help: "Address to bind; repeat for several (IPv4 or IPv6).")
    var bind: [String] = []

    @Option(help: "SIP port (UDP and TCP).")
    var sipPort: Int = 5060

    @Option(help: "HTTP port.")
    var httpPort: Int = 8080

    @Option(help: "Address put in SDP, Via and Contact (default: the bind address, else this host's first non-loopback IPv4 address).")
    var advertise: String?

    @Option(help: "RTP port range, e.g. 20000-29999.")
    var rtpPorts: String = "20000-29999"

    @Flag(help: "Do not record calls.")
    var noRecording = false

    @Option(help: "Run the event loops (SIP and every call's media) under the real-time round-robin scheduler at this priority (1-99), so other programs on the machine cannot delay the 20 ms media clock. Needs root or CAP_SYS_NICE; without it a warning is logged and the loops run as usual.")
    var realtimePriority: Int?

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
        options.advertisedAddress = advertise
        options.recordCalls = !noRecording
        if let priority = realtimePriority {
            guard (1...99).contains(priority) else {
                FileHandle.standardError.write(Data("--realtime-priority: expected 1-99, got \(priority)\n".utf8))
                throw ExitCode.failure
            }
            options.realtimePriority = priority
        }
        let bounds = rtpPorts.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] >= 1024, bounds[0] + 1 < bounds[1], bounds[1] <= 65535 else {
            FileHandle.standardError.write(Data("--rtp-ports: expected LOW-HIGH within 1024-65535, got \(rtpPorts)\n".utf8))
            throw ExitCode.failure
        }
        options.rtpPorts = bounds[0]...bounds[1]
        var reload: (@Sendable () throws(ConfigurationError) -> HotlineConfiguration)?
        if let path = config {
            reload = { @Sendable () throws(ConfigurationError) -> HotlineConfiguration in try ConfigurationLoader().load(path) }
        }
        try await HotlineServer.run(configuration: configuration, isDemo: config == nil, options: options, logger: logger, reload: reload)
    }
}
