import AsyncHTTPClient
import Foundation

/// Something that turns one channel of audio into timed text.
public protocol TranscriptionService: Sendable {
    /// Transcribes a mono WAV file.
    func transcribe(wav: [UInt8], fileName: String) async throws -> VerboseTranscription
}

/// A recognition request that failed for good.
public struct ASRError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    public var description: String { status.map { "ASR server answered \($0): \(message)" } ?? "ASR: \(message)" }
}

/// A client of the OpenAI-compatible `POST /v1/audio/transcriptions` endpoint, asking for
/// `verbose_json` so that every segment comes with its start and end time.
///
/// Requests are limited to `maxConcurrentRequests` at once, time out after `timeout`, and are
/// retried with exponential backoff on connection errors, 408, 429 and 5xx answers.
public struct OpenAITranscriptionClient: TranscriptionService {
    public let configuration: ASRConfiguration
    let httpClient: HTTPClient
    let limiter: ConcurrencyLimiter

    /// Uses the process-wide shared `HTTPClient` unless another is given.
    public init(configuration: ASRConfiguration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.limiter = ConcurrencyLimiter(limit: max(1, configuration.maxConcurrentRequests))
    }

    public func transcribe(wav: [UInt8], fileName: String) async throws -> VerboseTranscription {
        var form = MultipartForm()
        form.addFile("file", fileName: fileName, contentType: "audio/wav", data: wav)
        form.addField("model", configuration.model)
        form.addField("response_format", "verbose_json")
        form.addField("timestamp_granularities[]", "segment")
        form.addField("temperature", "0")
        if let language = configuration.language { form.addField("language", language) }
        if let prompt = configuration.prompt { form.addField("prompt", prompt) }
        let body = form.finished()
        let contentType = form.contentType

        var attempt = 0
        while true {
            do {
                return try await limiter.run { try await send(body: body, contentType: contentType) }
            } catch let error as RetryableError {
                attempt += 1
                guard attempt <= configuration.maxRetries else { throw error.final }
                let delay = error.retryAfter ?? configuration.retryDelay * pow(2, Double(attempt - 1))
                if delay > 0 { try await Task.sleep(nanoseconds: UInt64(min(delay, 60) * 1_000_000_000)) }
            }
        }
    }

    struct RetryableError: Error {
        var final: ASRError
        var retryAfter: Double?
    }

    func send(body: [UInt8], contentType: String) async throws -> VerboseTranscription {
        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/json")
        if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(body)
        let timeout = Int64(configuration.timeout * 1000)
        let response: HTTPClientResponse
        var bytes: [UInt8] = []
        do {
            response = try await httpClient.execute(request, timeout: .milliseconds(timeout))
            for try await chunk in response.body {
                bytes += chunk.readableBytesView
                if bytes.count > 64 << 20 { throw ASRError(message: "response larger than 64 MiB") }
            }
        } catch let error as ASRError {
            throw error
        } catch {
            throw RetryableError(final: ASRError(message: "request to \(configuration.endpoint) failed: \(error)"), retryAfter: nil)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let text = String(decoding: bytes.prefix(500), as: UTF8.self)
            let failure = ASRError(message: text, status: status)
            if status == 408 || status == 429 || status >= 500 {
                let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
                throw RetryableError(final: failure, retryAfter: retryAfter)
            }
            throw failure
        }
        do {
            return try JSONDecoder().decode(VerboseTranscription.self, from: Data(bytes))
        } catch {
            throw ASRError(message: "answer is not verbose_json: \(String(decoding: bytes.prefix(200), as: UTF8.self))", status: status)
        }
    }
}

/// Lets at most `limit` operations run at once; the others wait their turn in order.
actor ConcurrencyLimiter {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Most operations seen running at once (for tests and metrics).
    private(set) var peak = 0

    init(limit: Int) { self.limit = limit }

    func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await operation()
    }

    private func acquire() async {
        if running < limit {
            running += 1
        } else {
            await withCheckedContinuation { waiting.append($0) }
        }
        peak = max(peak, running)
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
