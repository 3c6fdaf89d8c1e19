import API
import ContactCenter
import Foundation
import Hummingbird
import Inspection
import Logging
import Quality
import Media
import NIOCore
import NIOPosix
import SIP
import ServiceLifecycle
import UnixSignals
import Storage

/// Where `hotline serve` listens and keeps its data.
public struct ServerOptions: Sendable {
    public var bindAddresses: [String] = ["0.0.0.0"]
    public var sipPort = 5060
    public var httpPort = 8080
    public var dataDirectory = "data"
    /// The address written in SDP, Via and Contact; default: the bind address when it is one
    /// address, else this host's first non-loopback IPv4 address.
    public var advertisedAddress: String?
    /// Even ports for RTP (RTCP on the odd one above).
    public var rtpPorts: ClosedRange<Int> = RTPPortPool.defaultRange
    /// Record every answered call (stereo WAV under the data directory).
    public var recordCalls = true
    /// Run the event loops under `SCHED_RR` at this priority (1–99); `nil`: the normal scheduler.
    public var realtimePriority: Int?
    public init() {}

    /// The address peers reach this node at.
    public func resolvedAdvertisedAddress() -> String {
        if let advertisedAddress { return advertisedAddress }
        if let first = bindAddresses.first, first != "0.0.0.0", first != "::" { return first }
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            if let address = device.address, address.protocol == .inet, let ip = address.ipAddress, !ip.hasPrefix("127.") {
                return ip
            }
        }
        return "127.0.0.1"
    }
}

/// Assembles the parts of one Hotline node into a service group and runs it
/// until SIGTERM or SIGINT.
public enum HotlineServer {
    /// The digest realm agents register in: `hotline.demo` for the demo,
    /// `hotline.<first 95 number>` otherwise.
    public static func realm(for configuration: HotlineConfiguration, isDemo: Bool) -> String {
        isDemo ? "hotline.demo" : "hotline.\(configuration.hotline.numbers.first ?? "local")"
    }

    /// - Parameter reload: reads and checks the configuration file again, for SIGHUP and the
    ///   reload API; `nil` when there is no file (the built-in demo).
    public static func run(configuration: HotlineConfiguration, isDemo: Bool, options: ServerOptions, logger: Logger,
                           reload: (@Sendable () throws(ConfigurationError) -> HotlineConfiguration)? = nil) async throws {
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        if let priority = options.realtimePriority {
            await RealtimeScheduling.apply(priority: priority, to: MultiThreadedEventLoopGroup.singleton, logger: logger)
        }
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

        let store = try await openStore(configuration.store, dataDirectory: options.dataDirectory, logger: logger)

        let persistence = RegistrationPersistence(endpoint: endpoint, dataDirectory: options.dataDirectory, logger: logger)
        try await persistence.load()

        // Writes at most 100 times a second: a record waits at most 10 ms more for its flush, and a
        // busy node flushes once for many calls.
        let writer = CallRecordWriter(store: store, inspections: store, spacing: .milliseconds(10), logger: logger)
        var qualityBase = QualityWorker.Settings()
        if let workers = configuration.quality.workers { qualityBase.concurrency = workers }
        qualityBase.rulesFile = configuration.quality.rulesFile
        if let asr = configuration.quality.asr {
            var client = ASRConfiguration(url: asr.url, model: asr.model)
            client.language = asr.language
            client.apiKey = asr.apiKey
            qualityBase.asr = client
        }
        let qualityWorker = try QualityWorker(queue: store, calls: store, settings: try .fromEnvironment(base: qualityBase), logger: logger)
        let advertised = options.resolvedAdvertisedAddress()
        let media = CallMediaConfiguration(bindHost: options.bindAddresses.first ?? "0.0.0.0", advertisedAddress: advertised)
        let settings = CallCenterSettings(
            sipHost: advertised, sipPort: options.sipPort, media: media,
            recordingsDirectory: options.recordCalls ? options.dataDirectory + "/recordings" : nil,
            speechCacheDirectory: options.dataDirectory + "/speech")
        // Sockets of ended calls stay bound for half a second, then serve new calls on their loop.
        let ports = RTPPortPool(range: options.rtpPorts, shelf: RTPSocketShelf())
        let prompts = PromptResolver(cacheDirectory: settings.speechCacheDirectory)
        let center = try await loop.submit {
            let center = CallCenter(endpoint: endpoint, configuration: configuration, settings: settings, ports: ports,
                                    prompts: prompts, records: writer, peer: { sip.peer($0, to: $1) }, logger: logger,
                                    callLoops: Array(MultiThreadedEventLoopGroup.singleton.makeIterator()))
            endpoint.delegate = center
            center.balanceLoops()
            return center
        }.get()
        let reloader = ConfigurationReloader(center: center, logger: logger, load: reload ?? { configuration })
        let registrations = try await loop.submit {
            try configuration.trunks.compactMap { trunk -> TrunkRegistrationClient? in
                guard let registration = trunk.registration else { return nil }
                return try TrunkRegistrationClient(trunk: trunk.name, registration: registration, endpoint: endpoint,
                                                   contactHost: advertised, contactPort: options.sipPort, logger: logger) {
                    sip.udpPeer(to: $0)
                }
            }
        }.get()

        let (apiTokens, tokenSource) = try APITokens.load(
            configured: configuration.api.tokens.map { APITokens.Token($0.token, role: $0.seesFullNumbers ? .full : .masked) },
            dataDirectory: options.dataDirectory)
        announce("API token: \(tokenSource)")
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { request, _ -> Response in
            _ = try authorizeBearer(request, tokens: apiTokens)
            let text = try await Metrics.render(endpoint, center: center)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        addCallRoutes(to: router, store: store, tokens: apiTokens)
        router.post("api/v1/reload") { request, _ -> Response in
            guard try authorizeBearer(request, tokens: apiTokens).seesFullNumbers else {
                throw HTTPError(.forbidden, message: "reloading needs a token with the full role")
            }
            let outcome = await reloader.reload()
            let body: [String: any Sendable]
            let status: HTTPResponse.Status
            switch outcome {
            case .applied(let summary): (status, body) = (.ok, ["applied": true, "summary": summary])
            case .refused(let diagnostics): (status, body) = (.unprocessableContent, ["applied": false, "errors": diagnostics])
            }
            let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        let httpHost = options.bindAddresses.first ?? "0.0.0.0"
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(httpHost, port: options.httpPort), serverName: "Hotline"),
            onServerRunning: { channel in
                announce("HTTP listening on \(channel.localAddress.map { "\($0)" } ?? "?")")
            },
            logger: logger)

        try await sip.start()
        try await loop.submit { for client in registrations { client.start() } }.get()
        for (proto, address) in sip.boundAddresses {
            announce("SIP listening on \(proto.rawValue.lowercased()) \(address)")
        }
        let extensions = configuration.agents.map(\.extension).sorted()
        announce("\(isDemo ? "Demo hotline" : "Hotline") \(configuration.hotline.name): 95 number \(configuration.hotline.numbers.joined(separator: ", ")), \(extensions.count) agent extensions (\(extensions.first ?? "-")…\(extensions.last ?? "-")), realm \(registrarConfig.realm)")
        if isDemo { announce("Demo agent passwords: demo-<extension>, e.g. 8001 / demo-8001") }
        announce("Quality inspection: \(qualityWorker.settings.summary)")
        let group = ServiceGroup(
            configuration: .init(services: [app, SIPService(sip), persistence, RecordWriterService(writer: writer, store: store),
                                            ReloadOnHangup(reloader: reloader), qualityWorker,
                                            TrunkRegistrationService(clients: registrations, loop: loop)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Opens the configured store, brings its schema up to date and marks calls that were in
    /// progress when the node last stopped as interrupted.
    static func openStore(_ configuration: StoreConfiguration, dataDirectory: String, logger: Logger) async throws -> SQLStore {
        let store: SQLStore
        switch configuration {
        case .sqlite(let path):
            store = try await SQLStore.sqlite(path: path.hasPrefix("/") ? path : dataDirectory + "/" + path, logger: logger)
        case .postgres(let url):
            store = try await SQLStore.postgres(url: url, logger: logger)
        }
        try await store.migrate()
        let interrupted = try await store.markInterrupted(endedAt: Date())
        if interrupted > 0 { logger.warning("calls in progress at the last stop marked interrupted", metadata: ["count": "\(interrupted)"]) }
        return store
    }
}

/// Removes the carrier registrations at shutdown (before the SIP sockets close).
struct TrunkRegistrationService: Service {
    let clients: [TrunkRegistrationClient]
    let loop: any EventLoop

    func run() async throws {
        try? await gracefulShutdown()
        guard !clients.isEmpty else { return }
        try? await loop.submit { for client in clients { client.stop() } }.get()
        // Give the un-REGISTERs a moment to leave before the sockets close.
        try? await Task.sleep(for: .milliseconds(300))
    }
}

/// Reloads the configuration on SIGHUP.
struct ReloadOnHangup: Service {
    let reloader: ConfigurationReloader

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            _ = await reloader.reload()
        }
    }
}

/// Writes call records until shutdown, then drains the queue and closes the store.
struct RecordWriterService: Service {
    let writer: CallRecordWriter
    let store: SQLStore

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            try? await gracefulShutdown()
            writer.finish()
            await group.waitForAll()
        }
        try? await store.shutdown()
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
    static func render(_ endpoint: SIPEndpoint, center: CallCenter) async throws -> String {
        let (stats, registered, transactions, calls, active, busy, overloaded) = try await endpoint.eventLoop.submit {
            (endpoint.statistics, endpoint.registrar.registeredUsers(now: endpoint.now()).count, endpoint.serverTransactionCount,
             center.statistics, center.activeCalls, center.callLoopBusy, endpoint.isOverloaded)
        }.get()
        let loopLines = busy.enumerated().map { index, value in
            "hotline_event_loop_busy_ratio{loop=\"\(index)\"} \(value)"
        }.joined(separator: "\n")
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
        # HELP hotline_sip_scanners_dropped_total Requests from SIP scanners (by User-Agent) dropped unanswered.
        # TYPE hotline_sip_scanners_dropped_total counter
        hotline_sip_scanners_dropped_total \(stats.scannersDropped)
        # HELP hotline_sip_invites_shed_total New INVITEs answered 503 at once while the SIP receive queue was overloaded.
        # TYPE hotline_sip_invites_shed_total counter
        hotline_sip_invites_shed_total \(stats.invitesShed)
        # HELP hotline_sip_overloaded 1 while new INVITEs are being shed.
        # TYPE hotline_sip_overloaded gauge
        hotline_sip_overloaded \(overloaded ? 1 : 0)
        # HELP hotline_sip_server_transactions Live server transactions.
        # TYPE hotline_sip_server_transactions gauge
        hotline_sip_server_transactions \(transactions)
        # HELP hotline_registered_agents Agent extensions with a live registration.
        # TYPE hotline_registered_agents gauge
        hotline_registered_agents \(registered)
        # HELP hotline_calls_active Calls in progress.
        # TYPE hotline_calls_active gauge
        hotline_calls_active \(active)
        # HELP hotline_calls_started_total Calls admitted from a trunk.
        # TYPE hotline_calls_started_total counter
        hotline_calls_started_total \(calls.callsStarted)
        # HELP hotline_calls_ended_total Admitted calls that ended.
        # TYPE hotline_calls_ended_total counter
        hotline_calls_ended_total \(calls.callsEnded)
        # HELP hotline_calls_refused_total INVITEs refused before a call started, by reason.
        # TYPE hotline_calls_refused_total counter
        hotline_calls_refused_total{reason="allow-list"} \(calls.refusedByAllowList)
        hotline_calls_refused_total{reason="channel-limit"} \(calls.refusedByChannelLimit)
        hotline_calls_refused_total{reason="call-rate"} \(calls.refusedByCallRate)
        hotline_calls_refused_total{reason="unknown-number"} \(calls.unknownNumber)
        # HELP hotline_media_ticks_total 20 ms media clock ticks run, all event loops together.
        # TYPE hotline_media_ticks_total counter
        hotline_media_ticks_total \(MediaClockStatistics.ticks)
        # HELP hotline_media_late_ticks_total Media clock ticks that ran more than 20 ms after their deadline (every call on that loop heard a gap).
        # TYPE hotline_media_late_ticks_total counter
        hotline_media_late_ticks_total \(MediaClockStatistics.lateTicks)
        # HELP hotline_rtp_ports_in_use RTP ports bound, by calls or resting between calls.
        # TYPE hotline_rtp_ports_in_use gauge
        hotline_rtp_ports_in_use \(center.ports.inUse)
        # HELP hotline_rtp_sockets_resting Sockets of ended calls kept bound for the next calls on their loop.
        # TYPE hotline_rtp_sockets_resting gauge
        hotline_rtp_sockets_resting \(center.ports.shelf?.count ?? 0)
        # HELP hotline_event_loop_busy_ratio Part of the time each call event loop's thread was running at its last measurement (one of them also carries SIP); new calls go mostly to the idler loops.
        # TYPE hotline_event_loop_busy_ratio gauge
        \(loopLines)

        """
    }
}

/// Writes a line to standard output at once (unbuffered), so that people and scripts reading a
/// pipe or a log file see what the node listens on as soon as it does.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
