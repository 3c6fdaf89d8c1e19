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
