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
    /// A small number for the well-known names (0 for others), so the
    /// parser and comparisons need no string compare.
    let id: KnownHeader

    public init(_ name: String) {
        spelling = name
        let lower = name.asciiLowercased
        canonical = SIPHeaderName.compactForms[lower] ?? lower
        id = SIPHeaderName.idByCanonical[canonical] ?? .other
    }

    public init(stringLiteral value: String) { self.init(value) }

    private init(spelling: String, canonical: String, id: KnownHeader) {
        self.spelling = spelling
        self.canonical = canonical
        self.id = id
    }

    public static func == (a: SIPHeaderName, b: SIPHeaderName) -> Bool {
        if a.id != .other || b.id != .other { return a.id == b.id }
        return a.canonical == b.canonical
    }
    public func hash(into h: inout Hasher) { h.combine(canonical) }

    /// The names the parser and the message model know by number.
    enum KnownHeader: UInt8, Sendable {
        case other = 0
        case via, from, to, callID, cseq, maxForwards, contact, route, recordRoute, contentLength, contentType
        case expires, minExpires, authorization, wwwAuthenticate, proxyAuthorization, proxyAuthenticate, allow, accept
        case acceptEncoding, acceptLanguage, supported, require, proxyRequire, unsupported, userAgent, server
        case retryAfter, date, warning, contentEncoding, sessionExpires, minSE, reason
    }

    static let idByCanonical: [String: KnownHeader] = Dictionary(uniqueKeysWithValues: known.map { ($0.canonical, $0.id) })

    public var description: String { spelling }

    public static let via = SIPHeaderName(spelling: "Via", canonical: "via", id: .via)
    public static let from = SIPHeaderName(spelling: "From", canonical: "from", id: .from)
    public static let to = SIPHeaderName(spelling: "To", canonical: "to", id: .to)
    public static let callID = SIPHeaderName(spelling: "Call-ID", canonical: "call-id", id: .callID)
    public static let cseq = SIPHeaderName(spelling: "CSeq", canonical: "cseq", id: .cseq)
    public static let maxForwards = SIPHeaderName(spelling: "Max-Forwards", canonical: "max-forwards", id: .maxForwards)
    public static let contact = SIPHeaderName(spelling: "Contact", canonical: "contact", id: .contact)
    public static let route = SIPHeaderName(spelling: "Route", canonical: "route", id: .route)
    public static let recordRoute = SIPHeaderName(spelling: "Record-Route", canonical: "record-route", id: .recordRoute)
    public static let contentLength = SIPHeaderName(spelling: "Content-Length", canonical: "content-length", id: .contentLength)
    public static let contentType = SIPHeaderName(spelling: "Content-Type", canonical: "content-type", id: .contentType)
    public static let expires = SIPHeaderName(spelling: "Expires", canonical: "expires", id: .expires)
    public static let minExpires = SIPHeaderName(spelling: "Min-Expires", canonical: "min-expires", id: .minExpires)
    public static let authorization = SIPHeaderName(spelling: "Authorization", canonical: "authorization", id: .authorization)
    public static let wwwAuthenticate = SIPHeaderName(spelling: "WWW-Authenticate", canonical: "www-authenticate", id: .wwwAuthenticate)
    public static let proxyAuthorization = SIPHeaderName(spelling: "Proxy-Authorization", canonical: "proxy-authorization", id: .proxyAuthorization)
    public static let proxyAuthenticate = SIPHeaderName(spelling: "Proxy-Authenticate", canonical: "proxy-authenticate", id: .proxyAuthenticate)
    public static let allow = SIPHeaderName(spelling: "Allow", canonical: "allow", id: .allow)
    public static let accept = SIPHeaderName(spelling: "Accept", canonical: "accept", id: .accept)
    public static let acceptEncoding = SIPHeaderName(spelling: "Accept-Encoding", canonical: "accept-encoding", id: .acceptEncoding)
    public static let acceptLanguage = SIPHeaderName(spelling: "Accept-Language", canonical: "accept-language", id: .acceptLanguage)
    public static let supported = SIPHeaderName(spelling: "Supported", canonical: "supported", id: .supported)
    public static let require = SIPHeaderName(spelling: "Require", canonical: "require", id: .require)
    public static let proxyRequire = SIPHeaderName(spelling: "Proxy-Require", canonical: "proxy-require", id: .proxyRequire)
    public static let unsupported = SIPHeaderName(spelling: "Unsupported", canonical: "unsupported", id: .unsupported)
    public static let userAgent = SIPHeaderName(spelling: "User-Agent", canonical: "user-agent", id: .userAgent)
    public static let server = SIPHeaderName(spelling: "Server", canonical: "server", id: .server)
    public static let retryAfter = SIPHeaderName(spelling: "Retry-After", canonical: "retry-after", id: .retryAfter)
    public static let date = SIPHeaderName(spelling: "Date", canonical: "date", id: .date)
    public static let warning = SIPHeaderName(spelling: "Warning", canonical: "warning", id: .warning)
    public static let contentEncoding = SIPHeaderName(spelling: "Content-Encoding", canonical: "content-encoding", id: .contentEncoding)
    public static let sessionExpires = SIPHeaderName(spelling: "Session-Expires", canonical: "session-expires", id: .sessionExpires)
    public static let minSE = SIPHeaderName(spelling: "Min-SE", canonical: "min-se", id: .minSE)
    public static let reason = SIPHeaderName(spelling: "Reason", canonical: "reason", id: .reason)

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
            case UInt8(ascii: "v"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "via", id: .via)
            case UInt8(ascii: "f"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "from", id: .from)
            case UInt8(ascii: "t"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "to", id: .to)
            case UInt8(ascii: "i"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "call-id", id: .callID)
            case UInt8(ascii: "m"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "contact", id: .contact)
            case UInt8(ascii: "l"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "content-length", id: .contentLength)
            case UInt8(ascii: "c"): return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: "content-type", id: .contentType)
            default: break
            }
        } else {
            // Exact spelling first (the common case), then case-insensitive.
            let bucket = knownByLength[min(count, knownByLength.count - 1)]
            let lo = range.lowerBound
            for (spelling, name) in bucket where spelling.count == count && spelling[0] == bytes[lo] {
                var k = 1
                while k < count, spelling[k] == bytes[lo + k] { k += 1 }
                if k == count { return name }
            }
            for (spelling, name) in bucket {
                var equal = true
                var i = range.lowerBound
                for b in spelling {
                    if ASCII.lower(b) != ASCII.lower(bytes[i]) { equal = false; break }
                    i += 1
                }
                if equal {
                    return SIPHeaderName(spelling: String(decoding: bytes[range], as: UTF8.self), canonical: name.canonical, id: name.id)
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
