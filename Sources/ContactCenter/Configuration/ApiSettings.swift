/// The `api` section: bearer tokens for the HTTP API.
///
/// When no token is configured (and `HOTLINE_API_TOKEN` is not set), `hotline serve` generates one.
public struct ApiSettings: Sendable, Equatable {
    public var tokens: [ApiToken]

    public init(tokens: [ApiToken] = []) {
        self.tokens = tokens
    }

    /// The token matching a request's bearer token, if any.
    public func token(matching bearer: String) -> ApiToken? {
        tokens.first { $0.matches(bearer) }
    }
}

/// One API bearer token and what it may see.
public struct ApiToken: Sendable, Equatable {
    /// What a token's holder may see.
    public enum Role: String, Sendable, CaseIterable {
        /// Everything, phone numbers in full.
        case admin
        /// Everything, with phone numbers masked (138****5678).
        case viewer
    }

    public var token: String
    public var role: Role

    /// Shortest token accepted: shorter ones are guessable.
    public static let minimumLength = 16

    public init(token: String, role: Role) {
        self.token = token
        self.role = role
    }

    /// Whether `bearer` is this token, compared in constant time.
    public func matches(_ bearer: String) -> Bool {
        let a = Array(token.utf8), b = Array(bearer.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether the holder sees phone numbers in full.
    public var seesFullNumbers: Bool { role == .admin }
}

/// The `quality` section: how the server inspects recordings.
public struct QualitySettings: Sendable, Equatable {
    /// Recordings inspected at once; 0 turns inspection off. `nil`: the server's default (1).
    public var workers: Int?
    /// A rule pack file instead of the built-in 95-hotline pack (resolved against the file naming it).
    public var rulesFile: String?
    /// Speech recognition for the words; without it only timing and voice rules run.
    public var asr: ASRSettings?

    public init(workers: Int? = nil, rulesFile: String? = nil, asr: ASRSettings? = nil) {
        self.workers = workers
        self.rulesFile = rulesFile
        self.asr = asr
    }
}

/// A server with the OpenAI-compatible `POST /v1/audio/transcriptions`.
public struct ASRSettings: Sendable, Equatable {
    /// Base URL (`http://127.0.0.1:8000`) or the full transcriptions URL.
    public var url: String
    public var model: String
    /// ISO-639-1 language of the calls (`zh`).
    public var language: String?
    /// Sent as a bearer token.
    public var apiKey: String?

    public init(url: String, model: String = "whisper-1", language: String? = "zh", apiKey: String? = nil) {
        self.url = url
        self.model = model
        self.language = language
        self.apiKey = apiKey
    }
}
