import ContactCenter
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SIP
import Storage

/// A CRM for webhook tests: a real HTTP server on loopback whose answer each test sets.
final class TestCRM: @unchecked Sendable {
    enum Behaviour: Sendable {
        case json(String)
        case status(Int)
        /// Never answers (a hung CRM).
        case silent
    }

    private let state = NIOLockedValueBox<(behaviour: Behaviour, requests: [[String: Any]])>((.status(503), []))
    private var channel: (any Channel)?

    var behaviour: Behaviour {
        get { state.withLockedValue { $0.behaviour } }
        set { state.withLockedValue { $0.behaviour = newValue } }
    }

    /// The JSON bodies received so far.
    var requests: [[String: Any]] { state.withLockedValue { $0.requests } }

    func start(group: any EventLoopGroup) async throws -> Int {
        let state = self.state
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return channel!.localAddress!.port!
    }

    func stop() async {
        try? await channel?.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: NIOLockedValueBox<(behaviour: Behaviour, requests: [[String: Any]])>
        var body: [UInt8] = []
        init(state: NIOLockedValueBox<(behaviour: Behaviour, requests: [[String: Any]])>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                body = []
            case .body(let buffer):
                body += Array(buffer: buffer)
            case .end:
                let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
                let behaviour = state.withLockedValue { s -> Behaviour in
                    s.requests.append(object)
                    return s.behaviour
                }
                let status: Int, text: String
                switch behaviour {
                case .silent: return
                case .json(let json): (status, text) = (200, json)
                case .status(let code): (status, text) = (code, "{}")
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(text.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

/// A hotline node in the test process: SIP endpoint and transport on loopback, the call center
/// with manual timers, real media, a real CRM server and an SQLite store in a temporary folder.
final class CallTestBed: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// The endpoint's loop.
    var loop: any EventLoop { group.next() }
    /// A second loop for calls: calls alternate between it and the endpoint's loop (the first call
    /// of a test runs here), as they spread over the cores in `hotline serve`.
    let callGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let directory: String
    let timers = ManualTimerDriver()
    let crm = TestCRM()
    private(set) var endpoint: SIPEndpoint!
    private(set) var transport: SIPTransportService!
    private(set) var center: CallCenter!
    /// The configuration the node started with.
    private(set) var configuration: HotlineConfiguration!
    private(set) var sipPort = 0
    /// The SIP TCP listener's port.
    private(set) var tcpPort = 0
    private let ended = NIOLockedValueBox<[CallRecord]>([])
    /// The store the call records are written to (SQLite in the test's folder).
    private(set) var store: SQLStore!
    private var writer: CallRecordWriter!
    private var writerTask: Task<Void, Never>?

    /// The test configuration: the demo's flows with short generated prompts and this CRM.
    static func configurationText(crmPort: Int, trunkAllow: String, channels: Int, carrierPort: Int = 9,
                                  callsPerSecond: Int? = nil) -> (main: String, flows: String) {
        var main = DemoConfiguration.mainFile
        main = main.replacingOccurrences(of: "allow: [127.0.0.0/8, \"::1\"]", with: "allow: [\(trunkAllow)]")
        main = main.replacingOccurrences(of: "channels: 30", with: "channels: \(channels)"
                                         + (callsPerSecond.map { "\n    calls-per-second: \($0)" } ?? ""))
        do {
            // An outbound trunk whose carrier (a test phone, when a test needs one) challenges INVITEs.
            main = main.replacingOccurrences(of: "numbers:\n  inbound:", with: """
                  carrier:
                    allow: [127.0.0.9/32]
                    proxy: 127.0.0.1:\(carrierPort)
                    register: {registrar: 127.0.0.1:\(carrierPort), username: hotline, password: carrier-secret}

                numbers:
                  inbound:
                """)
        }
        main = main.replacingOccurrences(of: """
                - number: "959999"
                  flow: greeting
            """, with: """
                - number: "959999"
                  flow: greeting
                - number: "959998"
                  flow: early
                - number: "959997"
                  flow: night
                - number: "959996"
                  flow: out
            """)
        var flows = DemoConfiguration.flowsFile.replacingOccurrences(of: "http://127.0.0.1:8090/crm/route", with: "http://127.0.0.1:\(crmPort)/crm/route")
        flows += """

          early:
            - play: {prompt: ../prompts/long.wav, early-media: true}
            - hangup
          out:
            - transfer: {number: "10086", trunk: carrier, timeout: 20s}
          night:
            - schedule:
                hours: {mon-fri: "09:00-18:00", sat: closed, sun: closed}
                closed: closed
            - queue: sales
            - name: closed
              play: invalid
            - hangup

        """
        return (main, flows)
    }

    /// 8 kHz mono tone prompts, `milliseconds` long, under the names the demo uses.
    static func writePrompts(into folder: String, milliseconds: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = ["welcome", "menu", "invalid", "enter-extension", "no-such-extension", "vip", "please-hold"]
        for (index, name) in names.enumerated() {
            let count = 8 * milliseconds
            let frequency = 300.0 + 100.0 * Double(index)
            let samples = (0..<count).map { Int16(4000 * sin(2 * Double.pi * frequency * Double($0) / 8000)) }
            let bytes = WAV.build(WAVAudio(samples: samples))
            FileManager.default.createFile(atPath: folder + "/\(name).wav", contents: Data(bytes))
        }
        let long = WAV.build(WAVAudio(samples: (0..<80_000).map { Int16(3000 * sin(2 * Double.pi * 425 * Double($0) / 8000)) }))
        FileManager.default.createFile(atPath: folder + "/long.wav", contents: Data(long))
    }

    init() {
        directory = NSTemporaryDirectory() + "hotline-calls-" + UUID().uuidString
    }

    /// A test bed, started.
    static func started(trunkAllow: String = "127.0.0.1/32", channels: Int = 30, callsPerSecond: Int? = nil,
                        now: @escaping @Sendable () -> Date = { Date() }) async throws -> CallTestBed {
        let bed = CallTestBed()
        try await bed.start(trunkAllow: trunkAllow, channels: channels, callsPerSecond: callsPerSecond, now: now)
        return bed
    }

    /// Starts the node; `now` is the wall clock flows see.
    func start(trunkAllow: String = "127.0.0.1/32", channels: Int = 30, promptMilliseconds: Int = 60, carrierPort: Int = 9,
               callsPerSecond: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }) async throws {
        let crmPort = try await crm.start(group: group)
        try Self.writePrompts(into: directory + "/prompts", milliseconds: promptMilliseconds)
        let text = Self.configurationText(crmPort: crmPort, trunkAllow: trunkAllow, channels: channels, carrierPort: carrierPort,
                                          callsPerSecond: callsPerSecond)
        try text.main.write(toFile: directory + "/demo.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/demo", withIntermediateDirectories: true)
        try text.flows.write(toFile: directory + "/demo/flows.yaml", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(speechSynthesizerAvailable: false).load(directory + "/demo.yaml")
        self.configuration = configuration

        let loop = self.loop
        let logger = {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            return logger
        }()
        let registrar = Registrar(configuration: .init(realm: "test"), passwords: ["8003": "demo-8003"])
        endpoint = try await loop.submit {
            SIPEndpoint(eventLoop: loop, configuration: .init(), registrar: registrar, logger: logger,
                        now: { Int64(Date().timeIntervalSince1970) })
        }.get()
        var sipConfiguration = SIPTransportService.Configuration()
        sipConfiguration.bindAddresses = ["127.0.0.1"]
        sipConfiguration.port = 0
        sipConfiguration.tcp = true
        transport = SIPTransportService(configuration: sipConfiguration, endpoint: endpoint, logger: logger)
        try await transport.start()
        sipPort = transport.boundAddresses.first { $0.0 == .udp }!.1.port!
        tcpPort = transport.boundAddresses.first { $0.0 == .tcp }!.1.port!

        // A range of its own, so test beds running side by side never share ports.
        let base = 30000 + 2 * Int.random(in: 0..<10_000)
        let ports = base...(base + 199)
        let settings = CallCenterSettings(sipHost: "127.0.0.1", sipPort: sipPort,
                                          media: CallMediaConfiguration(bindHost: "127.0.0.1", advertisedAddress: "127.0.0.1"),
                                          recordingsDirectory: directory + "/recordings", speechCacheDirectory: directory + "/speech")
        store = try await SQLStore.sqlite(path: directory + "/hotline.sqlite", logger: logger)
        try await store.migrate()
        let writer = CallRecordWriter(store: store, logger: logger)
        self.writer = writer
        writerTask = Task { await writer.run() }
        let transport = self.transport!
        let endpoint = self.endpoint!
        let timers = self.timers
        let ended = self.ended
        let callLoop = callGroup.next()
        center = try await loop.submit {
            let center = CallCenter(endpoint: endpoint, configuration: configuration, settings: settings,
                                    ports: RTPPortPool(range: ports), prompts: PromptResolver(cacheDirectory: settings.speechCacheDirectory),
                                    timers: timers, records: writer, peer: { transport.peer($0, to: $1) }, logger: logger, now: now,
                                    callLoops: [callLoop, loop])
            center.onCallEnded = { record in ended.withLockedValue { $0.append(record) } }
            endpoint.delegate = center
            return center
        }.get()
    }

    func stop() async {
        writer?.finish()
        await writerTask?.value
        try? await store?.shutdown()
        await transport?.stop()
        await crm.stop()
        try? await group.shutdownGracefully()
        try? await callGroup.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Records of calls that ended.
    var records: [CallRecord] { ended.withLockedValue { $0 } }

    /// The stored record of the call with this SIP Call-ID, once it ended and was written; it must
    /// equal the record the call layer handed over.
    func record(of callID: String) async throws -> CallRecord {
        let handed = try await eventuallyValue("the call record of \(callID)") { self.records.first { $0.sipCallID == callID } }
        let store = self.store!
        let box = NIOLockedValueBox<CallRecord?>(nil)
        try await eventually("the stored record of \(callID)") {
            let stored = try await store.call(id: handed.id)
            box.withLockedValue { $0 = stored }
            return stored.map { $0.disposition != .inProgress } ?? false
        }
        let stored = box.withLockedValue { $0 }!
        var comparable = handed
        // The store keeps times to the microsecond.
        comparable.startedAt = stored.startedAt
        comparable.answeredAt = stored.answeredAt
        comparable.endedAt = stored.endedAt
        if stored != comparable { throw StoredRecordMismatch(handed: handed, stored: stored) }
        if let answered = handed.answeredAt, let storedAnswer = stored.answeredAt,
           abs(answered.timeIntervalSince(storedAnswer)) > 0.001 { throw StoredRecordMismatch(handed: handed, stored: stored) }
        return stored
    }

    /// Waits until the timer labelled `label` runs, then fires it.
    func fire(_ label: String) async throws {
        try await eventually("timer \(label)") { self.timers.pending.contains(label) }
        timers.fire(label)
    }

    /// Registers `phone` as agent extension `ext`, as a REGISTER from it would (over its TCP
    /// connection when it has one).
    func register(_ phone: TestPhone, as ext: String) async throws {
        let endpoint = self.endpoint!
        let transport = phone.tcp == nil ? "udp" : "tcp"
        let binding = Registrar.Binding(contact: SIPNameAddress(uri: SIPURI(user: ext, host: "127.0.0.1", port: phone.sipPort)),
                                        expires: Int64(Date().timeIntervalSince1970) + 3600, callID: "reg-\(ext)", cseq: 1,
                                        source: "\(transport):127.0.0.1:\(phone.sipPort)", q: 1)
        try await loop.submit {
            endpoint.registrar.restore([ext: [binding]], now: Int64(Date().timeIntervalSince1970))
        }.get()
    }

    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await loop.submit(body).get()
    }

    func phone(host: String = "127.0.0.1") async throws -> TestPhone {
        let phone = TestPhone(loop: loop, host: host)
        try await phone.start()
        return phone
    }
}

struct StoredRecordMismatch: Error, CustomStringConvertible {
    var handed: CallRecord
    var stored: CallRecord
    var description: String { "stored record differs:\n\(handed)\n\(stored)" }
}
