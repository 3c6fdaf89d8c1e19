import Foundation

/// The bearer tokens the HTTP API accepts, each with a role.
///
/// A token's role decides what its holder sees: `full` sees phone numbers in
/// full, `masked` sees them masked (138****5678). Roles are the seam for a
/// fuller permission system later.
public struct APITokens: Sendable {
    public enum Role: String, Sendable, CaseIterable, Codable {
        /// Phone numbers in full.
        case full
        /// Phone numbers masked.
        case masked

        public var seesFullNumbers: Bool { self == .full }
    }

    public struct Token: Sendable, Equatable {
        public var value: String
        public var role: Role

        public init(_ value: String, role: Role) {
            self.value = value
            self.role = role
        }
    }

    public private(set) var tokens: [Token]

    /// Shortest token accepted: shorter ones can be guessed.
    public static let minimumLength = 16
    /// The environment variable holding a token (role `full`).
    public static let environmentVariable = "HOTLINE_API_TOKEN"
    /// The file in the data directory holding the generated token.
    public static let fileName = "api-token"

    public init(_ tokens: [Token]) {
        self.tokens = tokens
    }

    /// The role of the token equal to `bearer` (compared in constant time), or nil.
    public func role(forBearer bearer: String) -> Role? {
        var found: Role?
        for token in tokens where Self.constantTimeEqual(token.value, bearer) && found == nil {
            found = token.role
        }
        return found
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0 && x.count == y.count
    }

    /// Where the tokens came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case environment
        case configuration
        /// The data directory's token file; `created` when this start generated it.
        case file(path: String, created: Bool)

        public var description: String {
            switch self {
            case .environment: "the \(APITokens.environmentVariable) environment variable"
            case .configuration: "the configuration's api tokens"
            case .file(let path, true): "a new token generated into \(path) (mode 0600)"
            case .file(let path, false): "the token in \(path)"
            }
        }
    }

    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case tooShort(source: String)
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .tooShort(let source): "the API token in \(source) is shorter than \(APITokens.minimumLength) characters"
            case .unreadable(let path, let reason): "cannot use the API token file \(path): \(reason)"
            }
        }
    }

    /// The tokens `hotline serve` accepts: the `HOTLINE_API_TOKEN` environment
    /// variable (role `full`) if set; else the configured tokens; else the token in
    /// `DATA/api-token`, generated (mode 0600) at the first start.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configured: [Token],
        dataDirectory: String
    ) throws -> (tokens: APITokens, source: Source) {
        if let value = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            guard value.count >= minimumLength else { throw LoadError.tooShort(source: environmentVariable) }
            return (APITokens([Token(value, role: .full)]), .environment)
        }
        if !configured.isEmpty {
            return (APITokens(configured), .configuration)
        }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let (value, created) = try readOrCreateTokenFile(at: path)
        return (APITokens([Token(value, role: .full)]), .file(path: path, created: created))
    }

    /// A new random token: 32 bytes from the system's secure generator, base64url.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func readOrCreateTokenFile(at path: String) throws -> (String, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw LoadError.unreadable(path: path, reason: "\(error.localizedDescription)")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard value.count >= minimumLength else { throw LoadError.tooShort(source: path) }
            return (value, false)
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let value = generate()
        // Created with mode 0600 from the start (O_EXCL: never through someone else's file).
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw LoadError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let bytes = Array((value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(path)
            throw LoadError.unreadable(path: path, reason: "could not write it")
        }
        return (value, true)
    }
}
