/// A header field name. Names compare case-insensitively, and a compact
/// form (`v`, `i`, `m`, …) equals its long form (RFC 3261 §7.3.3).
///
/// The name keeps its spelling as written so that a message re-serializes
/// unchanged; ``canonical`` is the lowercased long form used for comparison.
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as written.
    public let spelling: String
    /// The lowercased long form.
    public let canonical: String

    public init(_ name: String) {
        spelling = name
        let lower = name.asciiLowercased
        canonical = SIPHeaderName.compactForms[lower] ?? lower
    }

    public init(stringLiteral value: String) { self.init(value) }

    private init(spelling: String, canonical: String) {
        self.spelling = spelling
        self.canonical = canonical
    }

    public static func == (a: SIPHeaderName, b: SIPHeaderName) -> Bool { a.canonical == b.canonical }
    public func hash(into h: inout Hasher) { h.combine(canonical) }

    public var description: String { spelling }

    public static let via = SIPHeaderName(spelling: "Via", canonical: "via")
    public static let from = SIPHeaderName(spelling: "From", canonical: "from")
    public static let to = SIPHeaderName(spelling: "To", canonical: "to")
    public static let callID = SIPHeaderName(spelling: "Call-ID", canonical: "call-id")
    public static let cseq = SIPHeaderName(spelling: "CSeq", canonical: "cseq")
    public static let maxForwards = SIPHeaderName(spelling: "Max-Forwards", canonical: "max-forwards")
    public static let contact = SIPHeaderName(spelling: "Contact", canonical: "contact")
    public static let route = SIPHeaderName(spelling: "Route", canonical: "route")
    public static let recordRoute = SIPHeaderName(spelling: "Record-Route", canonical: "record-route")
    public static let contentLength = SIPHeaderName(spelling: "Content-Length", canonical: "content-length")
    public static let contentType = SIPHeaderName(spelling: "Content-Type", canonical: "content-type")
    public static let expires = SIPHeaderName(spelling: "Expires", canonical: "expires")
    public static let minExpires = SIPHeaderName(spelling: "Min-Expires", canonical: "min-expires")
    public static let authorization = SIPHeaderName(spelling: "Authorization", canonical: "authorization")
    public static let wwwAuthenticate = SIPHeaderName(spelling: "WWW-Authenticate", canonical: "www-authenticate")
    public static let proxyAuthorization = SIPHeaderName(spelling: "Proxy-Authorization", canonical: "proxy-authorization")
    public static let proxyAuthenticate = SIPHeaderName(spelling: "Proxy-Authenticate", canonical: "proxy-authenticate")
    public static let allow = SIPHeaderName(spelling: "Allow", canonical: "allow")
    public static let accept = SIPHeaderName(spelling: "Accept", canonical: "accept")
    public static let acceptEncoding = SIPHeaderName(spelling: "Accept-Encoding", canonical: "accept-encoding")
    public static let acceptLanguage = SIPHeaderName(spelling: "Accept-Language", canonical: "accept-language")
    public static let supported = SIPHeaderName(spelling: "Supported", canonical: "supported")
    public static let require = SIPHeaderName(spelling: "Require", canonical: "require")
    public static let proxyRequire = SIPHeaderName(spelling: "Proxy-Require", canonical: "proxy-require")
    public static let unsupported = SIPHeaderName(spelling: "Unsupported", canonical: "unsupported")
    public static let userAgent = SIPHeaderName(spelling: "User-Agent", canonical: "user-agent")
    public static let server = SIPHeaderName(spelling: "Server", canonical: "server")
    public static let retryAfter = SIPHeaderName(spelling: "Retry-After", canonical: "retry-after")
    public static let date = SIPHeaderName(spelling: "Date", canonical: "date")
    public static let warning = SIPHeaderName(spelling: "Warning", canonical: "warning")
    public static let contentEncoding = SIPHeaderName(spelling: "Content-Encoding", canonical: "content-encoding")
    public static let sessionExpires = SIPHeaderName(spelling: "Session-Expires", canonical: "session-expires")
    public static let minSE = SIPHeaderName(spelling: "Min-SE", canonical: "min-se")
    public static let reason = SIPHeaderName(spelling: "Reason", canonical: "reason")

    /// Compact forms (RFC 3261 §7.3.3 and the registry of header fields).
    static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
        "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to",
        "v": "via", "o": "event", "r": "refer-to", "b": "referred-by", "x": "session-expires",
        "u": "allow-events", "a": "accept-contact", "j": "reject-contact", "d": "request-disposition",
        "y": "identity", "n": "identity-info",
    ]

    /// The well-known names, for parsing names without building new strings.
    static let known: [SIPHeaderName] = [
        .via, .from, .to, .callID, .cseq, .maxForwards, .contact, .route, .recordRoute,
        .contentLength, .contentType, .expires, .minExpires, .authorization, .wwwAuthenticate,
        .proxyAuthorization, .proxyAuthenticate, .allow, .accept, .supported, .require,
        .proxyRequire, .unsupported, .userAgent, .server, .retryAfter, .date, .sessionExpires,
        .acceptEncoding, .acceptLanguage, .contentEncoding, .warning, .minSE, .reason,
    ]

    /// Finds the name of `bytes[range]`, reusing a shared instance when the
    /// spelling is a well-known one.
    static func lookup(_ bytes: [UInt8], _ range: Range<Int>) -> SIPHeaderName {
        let count = range.count
        if count == 1 {
            let c = ASCII.lower(bytes[range.lowerBound])
            switch c {
            case UInt8(ascii: "v"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "via")
            case UInt8(ascii: "f"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "from")
            case UInt8(ascii: "t"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "to")
            case UInt8(ascii: "i"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "call-id")
            case UInt8(ascii: "m"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "contact")
            case UInt8(ascii: "l"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "content-length")
            case UInt8(ascii: "c"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "content-type")
            default: break
            }
        } else {
            // Exact spelling first (the common case), then case-insensitive.
            let bucket = knownByLength[min(count, knownByLength.count - 1)]
            for (spelling, name) in bucket where spelling.elementsEqual(bytes[range]) { return name }
            for (spelling, name) in bucket {
                var equal = true
                var i = range.lowerBound
                for b in spelling {
                    if ASCII.lower(b) != ASCII.lower(bytes[i]) { equal = false; break }
                    i += 1
                }
                if equal {
                    return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: name.canonical)
                }
            }
        }
        return SIPHeaderName(String(decoding: bytes[range], as: UTF8.self))
    }

    private static let knownByLength: [[([UInt8], SIPHeaderName)]] = {
        var table = [[([UInt8], SIPHeaderName)]](repeating: [], count: 24)
        for name in known {
            let b = Array(name.spelling.utf8)
            if b.count < table.count { table[b.count].append((b, name)) }
        }
        return table
    }()
}
