import Crypto
import Foundation

/// HTTP Digest for SIP (RFC 3261 §22, RFC 7616, RFC 8760): MD5 and SHA-256,
/// `qop=auth`.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"

    /// Parses the `algorithm` parameter; absent means MD5.
    public init?(parameter: String?) {
        guard let parameter else { self = .md5; return }
        switch parameter.uppercased() {
        case "MD5": self = .md5
        case "SHA-256": self = .sha256
        default: return nil
        }
    }

    /// Lowercase hex of the hash of `text`.
    public func hash(_ text: String) -> String {
        switch self {
        case .md5: return Insecure.MD5.hash(data: Data(text.utf8)).hexString
        case .sha256: return SHA256.hash(data: Data(text.utf8)).hexString
        }
    }

    /// H(username:realm:password).
    public func ha1(username: String, realm: String, password: String) -> String {
        hash("\(username):\(realm):\(password)")
    }

    /// The expected `response` for the given challenge answer.
    public func response(ha1: String, method: String, uri: String, nonce: String, nc: String?, cnonce: String?, qop: String?) -> String {
        let ha2 = hash("\(method):\(uri)")
        if let qop, let nc, let cnonce {
            return hash("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        }
        return hash("\(ha1):\(nonce):\(ha2)")
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The value of an Authorization / WWW-Authenticate header: a scheme and
/// its comma-separated `name=value` parameters.
public struct SIPAuthCredentials: Sendable, Hashable {
    public var scheme: String
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses `Digest name="value", name=value, …`. Names are lowercased,
    /// quoted values unquoted.
    public init(_ value: String) throws(SIPSyntaxError) {
        var s = ByteScanner(value)
        s.skipWhitespace()
        guard let scheme = s.token() else { throw .expected("authentication scheme") }
        self.scheme = s.string(scheme)
        parameters = [:]
        s.skipWhitespace()
        while !s.atEnd {
            guard let name = s.token() else { throw .expected("auth parameter") }
            guard s.consumeSeparator(ASCII.equals) else { throw .expected("'=' in auth parameter") }
            let v: String
            if s.peek == ASCII.quote {
                let r = try s.quotedString()
                v = SIPAuthCredentials.unquote(s.string(r))
            } else {
                let r = s.scan(CharacterClasses.token | CharacterClasses.paramChar)
                v = s.string(r)
            }
            parameters[s.string(name).asciiLowercased] = v
            if !s.consumeSeparator(ASCII.comma) { break }
        }
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("credentials") }
    }

    static func unquote(_ q: String) -> String {
        var out: [UInt8] = []
        var escaped = false
        for b in q.utf8.dropFirst().dropLast() {
            if escaped { out.append(b); escaped = false } else if b == ASCII.backslash { escaped = true } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public subscript(name: String) -> String? { parameters[name] }
}

/// Issues and checks nonces without storing each one: a nonce carries its
/// issue time and a keyed MAC, so any forged or altered nonce is refused;
/// the nonce counts seen are remembered to refuse replays.
public struct NonceManager: Sendable {
    private let key: SymmetricKey
    /// How long a nonce stays fresh; an answer to an older one gets `stale=true`.
    public var lifetime: Duration
    /// The highest `nc` seen per nonce (keyed by its MAC, 128 bits), with the
    /// nonce's expiry (seconds). Entries leave when their nonce expires, and
    /// the table is capped: past the cap the oldest half is forgotten.
    private var counts: [NonceKey: (nc: UInt32, expires: Int64)] = [:]
    /// The most nonces whose counts are remembered.
    public var maxTrackedNonces = 1_000_000

    private struct NonceKey: Hashable {
        var a: UInt64
        var b: UInt64
    }
    private var lastPrune: Int64 = 0

    public init(lifetime: Duration = .seconds(300), key: SymmetricKey = SymmetricKey(size: .bits256)) {
        self.key = key
        self.lifetime = lifetime
    }

    /// A new nonce for `now` (seconds of the injected clock).
    public func issue(now: Int64, salt: UInt64 = UInt64.random(in: .min ... .max)) -> String {
        var payload = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: now.bigEndian) { payload.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: salt.bigEndian) { payload.replaceSubrange(8..<16, with: $0) }
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return (payload + Array(mac).prefix(16)).hexString
    }

    public enum Verdict: Sendable, Equatable {
        case valid
        case stale
        case invalid
        case replayed
    }

    /// Checks a nonce (and, with `qop`, its `nc`) at `now`; records the count.
    public mutating func check(_ nonce: String, nc: String?, now: Int64) -> Verdict {
        guard let raw = NonceManager.unhex(nonce), raw.count == 32 else { return .invalid }
        let payload = Array(raw[0..<16])
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        guard Array(mac).prefix(16).elementsEqual(raw[16..<32]) else { return .invalid }
        var issued: Int64 = 0
        for b in payload[0..<8] { issued = issued << 8 | Int64(b) }
        let expires = issued + lifetime.components.seconds
        if now > expires || now < issued - 5 { return .stale }
        prune(now: now)
        guard let ncText = nc else { return .valid }
        guard let count = UInt32(ncText, radix: 16) else { return .invalid }
        var key = NonceKey(a: 0, b: 0)
        for i in 16..<24 { key.a = key.a << 8 | UInt64(raw[i]) }
        for i in 24..<32 { key.b = key.b << 8 | UInt64(raw[i]) }
        if let seen = counts[key], count <= seen.nc { return .replayed }
        if counts.count >= maxTrackedNonces {
            let cut = counts.values.map(\.expires).sorted()[counts.count / 2]
            counts = counts.filter { $0.value.expires > cut }
        }
        counts[key] = (count, expires)
        return .valid
    }

    private mutating func prune(now: Int64) {
        guard now - lastPrune >= 10 else { return }
        lastPrune = now
        counts = counts.filter { $0.value.expires >= now }
    }

    static func unhex(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = PercentEncoding.hex(u[i]), let l = PercentEncoding.hex(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
