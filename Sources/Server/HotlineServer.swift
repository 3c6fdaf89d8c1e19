import ContactCenter
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SIP
import ServiceLifecycle

/// Where `hotline serve` listens and keeps its data.
public struct ServerOptions: Sendable {
    public var bindAddresses: [String] = ["0.0.0.0"]
    public var sipPort = 5060
    public var httpPort = 8080
    public var dataDirectory = "data"
    public init() {}
}

/// Assembles the parts of one Hotline node into a service group and runs it
/// until SIGTERM or SIGINT.
public enum HotlineServer {
    /// The digest realm agents register in: `hotline.demo` for the demo,
    /// `hotline.<first 95 number>` otherwise.
    public static func realm(for configuration: HotlineConfiguration, isDemo: Bool) -> String {
        isDemo ? "hotline.demo" : "hotline.\(configuration.hotline.numbers.first ?? "local")"
    }

    public static func run(configuration: HotlineConfiguration, isDemo: Bool, options: ServerOptions, logger: Logger) async throws {
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var registrarConfig = Registrar.Configuration(realm: realm(for: configuration, isDemo: isDemo))
        registrarConfig.minExpires = 60
        let passwords = Dictionary(configuration.agents.map { ($0.extension, $0.password) }, uniquingKeysWith: { a, _ in a })
        let registrar = Registrar(configuration: registrarConfig, passwords: passwords)
        let endpoint = try await loop.submit {
            SIPEndpoint(
                eventLoop: loop, configuration: SIPEndpoint.Configuration(), registrar: registrar,
                logger: logger, now: { Int64(Date().timeIntervalSince1970) })
        }.get()

        var sipConfig = SIPTransportService.Configuration()
        sipConfig.bindAddresses = options.bindAddresses
        sipConfig.port = options.sipPort
        let sip = SIPTransportService(configuration: sipConfig, endpoint: endpoint, logger: logger)

        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { _, _ -> Response in
            let text = try await Metrics.render(endpoint)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let httpHost = options.bindAddresses.first ?? "0.0.0.0"
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(httpHost, port: options.httpPort), serverName: "Hotline"),
            onServerRunning: { channel in
                print("HTTP listening on \(channel.localAddress.map { "\($0)" } ?? "?")")
            },
            logger: logger)

        let persistence = RegistrationPersistence(endpoint: endpoint, dataDirectory: options.dataDirectory, logger: logger)
        try await persistence.load()
        try await sip.start()
        for (proto, address) in sip.boundAddresses {
            print("SIP listening on \(proto.rawValue.lowercased()) \(address)")
        }
        let extensions = configuration.agents.map(\.extension).sorted()
        print("\(isDemo ? "Demo hotline" : "Hotline") \(configuration.hotline.name): 95 number \(configuration.hotline.numbers.joined(separator: ", ")), \(extensions.count) agent extensions (\(extensions.first ?? "-")…\(extensions.last ?? "-")), realm \(registrarConfig.realm)")
        if isDemo { print("Demo agent passwords: demo-<extension>, e.g. 8001 / demo-8001") }
        let group = ServiceGroup(
            configuration: .init(services: [app, SIPService(sip), persistence], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Keeps the (already started) SIP transport open until shutdown.
struct SIPService: Service {
    let transport: SIPTransportService
    init(_ transport: SIPTransportService) { self.transport = transport }
    func run() async throws {
        try? await gracefulShutdown()
        await transport.stop()
    }
}

/// The Prometheus text exposition of the node's counters.
enum Metrics {
    static func render(_ endpoint: SIPEndpoint) async throws -> String {
        let (stats, registered, transactions) = try await endpoint.eventLoop.submit {
            (endpoint.statistics, endpoint.registrar.registeredUsers(now: endpoint.now()).count, endpoint.serverTransactionCount)
        }.get()
        return """
        # HELP hotline_sip_requests_received_total SIP requests received.
        # TYPE hotline_sip_requests_received_total counter
        hotline_sip_requests_received_total \(stats.requestsReceived)
        # HELP hotline_sip_responses_sent_total SIP responses sent, retransmissions included.
        # TYPE hotline_sip_responses_sent_total counter
        hotline_sip_responses_sent_total \(stats.responsesSent)
        # HELP hotline_sip_malformed_total SIP messages refused as malformed.
        # TYPE hotline_sip_malformed_total counter
        hotline_sip_malformed_total \(stats.malformed)
        # HELP hotline_sip_retransmissions_absorbed_total Request retransmissions absorbed by transactions.
        # TYPE hotline_sip_retransmissions_absorbed_total counter
        hotline_sip_retransmissions_absorbed_total \(stats.retransmissionsAbsorbed)
        # HELP hotline_sip_server_transactions Live server transactions.
        # TYPE hotline_sip_server_transactions gauge
        hotline_sip_server_transactions \(transactions)
        # HELP hotline_registered_agents Agent extensions with a live registration.
        # TYPE hotline_registered_agents gauge
        hotline_registered_agents \(registered)

        """
    }
}
