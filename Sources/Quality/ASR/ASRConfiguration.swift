/// Where and how to reach an OpenAI-compatible speech recognition server
/// (`POST /v1/audio/transcriptions`): whisper.cpp server, speaches, or FunASR behind an adapter.
public struct ASRConfiguration: Codable, Sendable, Equatable {
    /// Base URL of the server, e.g. `http://127.0.0.1:8000`; `/v1/audio/transcriptions` is appended
    /// unless the URL already ends with it.
    public var url: String
    public var model: String
    /// ISO-639-1 language of the calls; `zh` for Mandarin.
    public var language: String?
    /// Text that steers the recogniser, e.g. towards simplified characters and punctuation.
    public var prompt: String?
    /// Sent as `Authorization: Bearer …` when set.
    public var apiKey: String?
    /// Seconds one request may take.
    public var timeout: Double
    /// Extra attempts after a failed one (connection error, 408, 429, 5xx).
    public var maxRetries: Int
    /// First wait before a retry, in seconds; doubled each time, or the server's `Retry-After`.
    public var retryDelay: Double
    /// Requests in flight at once, across all calls sharing the client.
    public var maxConcurrentRequests: Int

    public init(url: String, model: String = "whisper-1", language: String? = "zh", prompt: String? = "以下是普通话客服电话的录音。",
                apiKey: String? = nil, timeout: Double = 300, maxRetries: Int = 2, retryDelay: Double = 1,
                maxConcurrentRequests: Int = 4) {
        self.url = url
        self.model = model
        self.language = language
        self.prompt = prompt
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
        self.maxConcurrentRequests = maxConcurrentRequests
    }

    enum CodingKeys: String, CodingKey {
        case url, model, language, prompt, timeout
        case apiKey = "api_key"
        case maxRetries = "max_retries"
        case retryDelay = "retry_delay"
        case maxConcurrentRequests = "max_concurrent_requests"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ASRConfiguration(url: "")
        url = try c.decode(String.self, forKey: .url)
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? defaults.model
        language = try c.decodeIfPresent(String.self, forKey: .language) ?? defaults.language
        prompt = try c.decodeIfPresent(String.self, forKey: .prompt) ?? defaults.prompt
        apiKey = try c.decodeIfPresent(String.self, forKey: .apiKey)
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? defaults.timeout
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? defaults.maxRetries
        retryDelay = try c.decodeIfPresent(Double.self, forKey: .retryDelay) ?? defaults.retryDelay
        maxConcurrentRequests = try c.decodeIfPresent(Int.self, forKey: .maxConcurrentRequests) ?? defaults.maxConcurrentRequests
    }

    /// The full endpoint URL.
    public var endpoint: String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/audio/transcriptions") ? base : base + "/v1/audio/transcriptions"
    }
}
