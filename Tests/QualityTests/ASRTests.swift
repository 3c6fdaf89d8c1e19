import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import Quality

/// What the in-test transcription server received.
final class ServerLog: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var fields: [String: String]
        var fileName: String?
        var fileType: String?
        var file: [UInt8]
    }

    private let lock = NSLock()
    private var _requests: [Request] = []
    private var _inFlight = 0
    private var _peakInFlight = 0
    /// Answers to give before the real one, e.g. [503, 503] to fail twice.
    private var failures: [Int]

    init(failures: [Int] = []) { self.failures = failures }

    var requests: [Request] { lock.withLock { _requests } }
    var peakInFlight: Int { lock.withLock { _peakInFlight } }

    func begin(_ request: Request) -> Int? {
        lock.withLock {
            _requests.append(request)
            _inFlight += 1
            _peakInFlight = max(_peakInFlight, _inFlight)
            return failures.isEmpty ? nil : failures.removeFirst()
        }
    }

    func end() { lock.withLock { _inFlight -= 1 } }
}

/// A small HTTP server that follows OpenAI's `POST /v1/audio/transcriptions` API: a multipart
/// form with `file` and `model` (required), `response_format`, `language`, `prompt`,
/// `temperature`, `timestamp_granularities[]`. It "recognises" the uploaded audio by running voice
/// activity detection and answering one segment per stretch of speech, with the text the test
/// script gives for that start time, in `verbose_json`.
final class TranscriptionServer: @unchecked Sendable {
    let channel: any Channel
    let log: ServerLog
    var port: Int { channel.localAddress!.port! }
    var url: String { "http://127.0.0.1:\(port)" }

    static func start(log: ServerLog, script: [Int: String]) async throws -> TranscriptionServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log, script: script))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return TranscriptionServer(channel: channel, log: log)
    }

    private init(channel: any Channel, log: ServerLog) {
        self.channel = channel
        self.log = log
    }

    func stop() async throws { try await channel.close() }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let log: ServerLog
        let script: [Int: String]
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(log: ServerLog, script: [Int: String]) {
            self.log = log
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let (status, json) = answer(head)
                log.end()
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(json.utf8.count)")
                if status == .serviceUnavailable || status == .tooManyRequests { headers.add(name: "Retry-After", value: "0") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: json)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        func error(_ message: String) -> String {
            #"{"error": {"message": "\#(message)", "type": "invalid_request_error", "param": null, "code": null}}"#
        }

        func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String) {
            let contentType = head.headers.first(name: "Content-Type") ?? ""
            let parts = contentType.components(separatedBy: "boundary=")
            let form = parts.count == 2 ? Multipart.parse(body, boundary: parts[1]) : []
            var fields: [String: String] = [:]
            var file: Multipart.Part?
            for part in form {
                if part.name == "file" { file = part } else { fields[part.name] = String(decoding: part.content, as: UTF8.self) }
            }
            let request = ServerLog.Request(method: "\(head.method)", uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                                            fields: fields, fileName: file?.fileName, fileType: file?.contentType, file: file?.content ?? [])
            if let failure = log.begin(request) {
                return (HTTPResponseStatus(statusCode: failure), error("temporarily unavailable"))
            }
            guard head.method == .POST, head.uri == "/v1/audio/transcriptions" else { return (.notFound, error("unknown endpoint")) }
            guard contentType.hasPrefix("multipart/form-data") else { return (.badRequest, error("expected multipart/form-data")) }
            guard let file, file.fileName != nil else { return (.badRequest, error("you must provide a file")) }
            guard fields["model"] != nil else { return (.badRequest, error("you must provide a model parameter")) }
            guard let audio = try? WAVFile.decode(Data(file.content)) else { return (.badRequest, error("invalid file format")) }
            let speech = VoiceAnalyzer().analyze(audio).agent.speech // mono files are analysed as one channel
            var segments: [[String: Any]] = []
            for (index, interval) in speech.enumerated() {
                let text = script[Int(interval.start.rounded())] ?? "（听不清）"
                segments.append(["id": index, "seek": 0, "start": interval.start, "end": interval.end, "text": text, "tokens": [50364],
                                 "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 1.1, "no_speech_prob": 0.02])
            }
            let format = fields["response_format"] ?? "json"
            let text = segments.compactMap { $0["text"] as? String }.joined()
            let object: [String: Any] = format == "verbose_json"
                ? ["task": "transcribe", "language": "chinese", "duration": audio.duration, "text": text, "segments": segments]
                : ["text": text]
            let data = try! JSONSerialization.data(withJSONObject: object)
            return (.ok, String(decoding: data, as: UTF8.self))
        }
    }
}

enum Multipart {
    struct Part {
        var name: String
        var fileName: String?
        var contentType: String?
        var content: [UInt8]
    }

    static func parse(_ body: [UInt8], boundary: String) -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var i = 0
        while i + delimiter.count <= body.count {
            if body[i] == delimiter[0] && Array(body[i..<(i + delimiter.count)]) == delimiter { positions.append(i); i += delimiter.count } else { i += 1 }
        }
        for (a, b) in zip(positions, positions.dropFirst()) {
            let chunk = Array(body[(a + delimiter.count + 2)..<(b - 2)]) // skip CRLF after the delimiter and before the next
            let separator = Array("\r\n\r\n".utf8)
            guard let split = (0...(chunk.count - 4)).first(where: { Array(chunk[$0..<($0 + 4)]) == separator }) else { continue }
            let headerText = String(decoding: chunk[0..<split], as: UTF8.self)
            var part = Part(name: "", content: Array(chunk[(split + 4)...]))
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    for item in line.components(separatedBy: ";").dropFirst() {
                        let pair = item.trimmingCharacters(in: .whitespaces).components(separatedBy: "=")
                        guard pair.count == 2 else { continue }
                        let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                        if pair[0] == "name" { part.name = value }
                        if pair[0] == "filename" { part.fileName = value }
                    }
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(part)
        }
        return parts
    }
}

@Suite struct ASRTests {
    static let script = [1: "喂，你好，我的快递一直没到。", 10: "你们到底怎么回事，太过分了！", 30: "好吧。",
                         5: "您好，请问您的单号是多少？", 13: "您先别急，我帮您查一下。", 36: "感谢您的来电，再见。"]

    func configuration(_ server: TranscriptionServer) -> ASRConfiguration {
        ASRConfiguration(url: server.url, model: "whisper-large-v3", language: "zh", apiKey: "test-key", timeout: 30,
                         maxRetries: 2, retryDelay: 0, maxConcurrentRequests: 2)
    }

    @Test func transcribesBothChannelsAndMergesThemByTime() async throws {
        let server = try await TranscriptionServer.start(log: ServerLog(), script: Self.script)
        let transcriber = StereoTranscriber(service: OpenAITranscriptionClient(configuration: configuration(server)))
        let transcript = try await transcriber.transcribe(syntheticCall(), callID: "c1")
        try await server.stop()

        #expect(transcript.callID == "c1")
        #expect(transcript.duration == 40)
        #expect(transcript.segments.map(\.speaker) == [.customer, .agent, .customer, .agent, .customer, .agent])
        #expect(transcript.segments.map(\.text) == ["喂，你好，我的快递一直没到。", "您好，请问您的单号是多少？", "你们到底怎么回事，太过分了！",
                                                    "您先别急，我帮您查一下。", "好吧。", "感谢您的来电，再见。"])
        #expect(close(transcript.segments[1].start, 4.5))

        let requests = server.log.requests
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.method == "POST" && request.uri == "/v1/audio/transcriptions")
            #expect(request.fields["model"] == "whisper-large-v3")
            #expect(request.fields["response_format"] == "verbose_json")
            #expect(request.fields["language"] == "zh")
            #expect(request.fields["timestamp_granularities[]"] == "segment")
            #expect(request.fileType == "audio/wav")
            #expect(request.headers.contains { $0.0.lowercased() == "authorization" && $0.1 == "Bearer test-key" })
            let audio = try WAVFile.decode(Data(request.file))
            #expect(audio.channels.count == 1 && audio.sampleRate == 8000)
        }
        #expect(Set(requests.compactMap(\.fileName)) == ["c1-agent.wav", "c1-customer.wav"])
    }

    @Test func transcribedCallIsInspected() async throws {
        let server = try await TranscriptionServer.start(log: ServerLog(), script: Self.script)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("asr-\(UUID().uuidString).wav")
        try WAVFile.encode(syntheticCall()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let processor = CallProcessor(inspector: sharedInspector,
                                      transcriber: StereoTranscriber(service: OpenAITranscriptionClient(configuration: configuration(server))))
        let result = try await processor.process(CallFile(id: "c2", recording: url))
        try await server.stop()
        #expect(result.rules.contains("long_silence") && result.rules.contains("overtalk"))
        #expect(!result.rules.contains("greeting_missing") && !result.rules.contains("closing_missing"))
        #expect(result.hits.contains { $0.rule == "customer_negative_emotion" && $0.text == "你们到底怎么回事，太过分了！" })
    }

    @Test func retriesUnavailableServers() async throws {
        let log = ServerLog(failures: [503, 429])
        let server = try await TranscriptionServer.start(log: log, script: Self.script)
        let client = OpenAITranscriptionClient(configuration: configuration(server))
        let mono = AudioBuffer(sampleRate: 8000, channels: [syntheticCall().channels[1]])
        let result = try await client.transcribe(wav: [UInt8](WAVFile.encode(mono)), fileName: "agent.wav")
        try await server.stop()
        #expect(result.segments.count == 3)
        #expect(log.requests.count == 3)
    }

    @Test func givesUpAfterTheLastRetry() async throws {
        let log = ServerLog(failures: [500, 502, 503, 504])
        let server = try await TranscriptionServer.start(log: log, script: Self.script)
        let client = OpenAITranscriptionClient(configuration: configuration(server))
        await #expect { try await client.transcribe(wav: [UInt8](WAVFile.encode(syntheticCall())), fileName: "x.wav") } throws: { error in
            (error as? ASRError)?.status == 503
        }
        try await server.stop()
        #expect(log.requests.count == 3)
    }

    @Test func doesNotRetryARejectedRequest() async throws {
        let log = ServerLog()
        let server = try await TranscriptionServer.start(log: log, script: Self.script)
        let client = OpenAITranscriptionClient(configuration: configuration(server))
        await #expect { try await client.transcribe(wav: Array("not a wav".utf8), fileName: "x.wav") } throws: { error in
            guard let error = error as? ASRError else { return false }
            return error.status == 400 && error.message.contains("invalid file format")
        }
        try await server.stop()
        #expect(log.requests.count == 1)
    }

    @Test func reportsAnUnreachableServer() async throws {
        // Bind a port, then close it, so nothing listens there.
        let server = try await TranscriptionServer.start(log: ServerLog(), script: [:])
        let url = server.url
        try await server.stop()
        let client = OpenAITranscriptionClient(configuration: ASRConfiguration(url: url, timeout: 0.5, maxRetries: 1, retryDelay: 0))
        await #expect(throws: ASRError.self) { try await client.transcribe(wav: [], fileName: "x.wav") }
    }

    @Test func limitsConcurrentRequests() async throws {
        let log = ServerLog()
        let server = try await TranscriptionServer.start(log: log, script: Self.script)
        var settings = configuration(server)
        settings.maxConcurrentRequests = 1
        let client = OpenAITranscriptionClient(configuration: settings)
        let wav = [UInt8](WAVFile.encode(AudioBuffer(sampleRate: 8000, channels: [syntheticCall().channels[0]])))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 { group.addTask { _ = try await client.transcribe(wav: wav, fileName: "\(index).wav") } }
            try await group.waitForAll()
        }
        try await server.stop()
        #expect(log.requests.count == 4)
        #expect(log.peakInFlight == 1)
        #expect(await client.limiter.peak == 1)
    }

    @Test func limiterNeverExceedsItsLimit() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await limiter.run {
                        await counter.enter()
                        for _ in 0..<5 { await Task.yield() }
                        await counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await counter.peak <= 3)
        #expect(await counter.total == 40)
        #expect(await limiter.peak <= 3)
    }

    @Test func endpointAndConfiguration() throws {
        #expect(ASRConfiguration(url: "http://127.0.0.1:9000/").endpoint == "http://127.0.0.1:9000/v1/audio/transcriptions")
        #expect(ASRConfiguration(url: "http://h/v1/audio/transcriptions").endpoint == "http://h/v1/audio/transcriptions")
        let decoded = try JSONDecoder().decode(ASRConfiguration.self, from: Data(#"{"url": "http://h:1", "model": "sensevoice", "max_concurrent_requests": 8}"#.utf8))
        #expect(decoded.model == "sensevoice" && decoded.maxConcurrentRequests == 8 && decoded.language == "zh" && decoded.maxRetries == 2)
    }
}

actor Counter {
    var current = 0
    var peak = 0
    var total = 0
    func enter() { current += 1; total += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}
