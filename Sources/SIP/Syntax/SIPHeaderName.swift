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
            let exact = bytes.withUnsafeBufferPointer { exactKnown($0.baseAddress! + range.lowerBound, count) }
            if let exact { return byID[Int(exact.rawValue)] }
            let bucket = knownByLength[min(count, knownByLength.count - 1)]
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

    /// The shared instance of a well-known name spelled exactly as in
    /// ``known`` at `p[0..<count]`: a switch on length and bytes, no strings.
    @inline(__always)
    static func exactKnown(_ p: UnsafePointer<UInt8>, _ count: Int) -> KnownHeader? {
        switch count {
        case 2:
            if p[0] == 84 && p[1] == 111 { return .to } // To
        case 3:
            if p[0] == 86 && p[1] == 105 && p[2] == 97 { return .via } // Via
        case 4:
            if p[0] == 70 && p[1] == 114 && p[2] == 111 && p[3] == 109 { return .from } // From
            if p[0] == 67 && p[1] == 83 && p[2] == 101 && p[3] == 113 { return .cseq } // CSeq
            if p[0] == 68 && p[1] == 97 && p[2] == 116 && p[3] == 101 { return .date } // Date
        case 5:
            if p[0] == 82 && p[1] == 111 && p[2] == 117 && p[3] == 116 && p[4] == 101 { return .route } // Route
            if p[0] == 65 && p[1] == 108 && p[2] == 108 && p[3] == 111 && p[4] == 119 { return .allow } // Allow
        case 6:
            if p[0] == 65 && p[1] == 99 && p[2] == 99 && p[3] == 101 && p[4] == 112 && p[5] == 116 { return .accept } // Accept
            if p[0] == 83 && p[1] == 101 && p[2] == 114 && p[3] == 118 && p[4] == 101 && p[5] == 114 { return .server } // Server
            if p[0] == 77 && p[1] == 105 && p[2] == 110 && p[3] == 45 && p[4] == 83 && p[5] == 69 { return .minSE } // Min-SE
            if p[0] == 82 && p[1] == 101 && p[2] == 97 && p[3] == 115 && p[4] == 111 && p[5] == 110 { return .reason } // Reason
        case 7:
            if p[0] == 67 && p[1] == 97 && p[2] == 108 && p[3] == 108 && p[4] == 45 && p[5] == 73 && p[6] == 68 { return .callID } // Call-ID
            if p[0] == 67 && p[1] == 111 && p[2] == 110 && p[3] == 116 && p[4] == 97 && p[5] == 99 && p[6] == 116 { return .contact } // Contact
            if p[0] == 69 && p[1] == 120 && p[2] == 112 && p[3] == 105 && p[4] == 114 && p[5] == 101 && p[6] == 115 { return .expires } // Expires
            if p[0] == 82 && p[1] == 101 && p[2] == 113 && p[3] == 117 && p[4] == 105 && p[5] == 114 && p[6] == 101 { return .require } // Require
            if p[0] == 87 && p[1] == 97 && p[2] == 114 && p[3] == 110 && p[4] == 105 && p[5] == 110 && p[6] == 103 { return .warning } // Warning
        case 9:
            if p[0] == 83 && p[1] == 117 && p[2] == 112 && p[3] == 112 && p[4] == 111 && p[5] == 114 && p[6] == 116 && p[7] == 101 && p[8] == 100 { return .supported } // Supported
        case 10:
            if p[0] == 85 && p[1] == 115 && p[2] == 101 && p[3] == 114 && p[4] == 45 && p[5] == 65 && p[6] == 103 && p[7] == 101 && p[8] == 110 && p[9] == 116 { return .userAgent } // User-Agent
        case 11:
            if p[0] == 77 && p[1] == 105 && p[2] == 110 && p[3] == 45 && p[4] == 69 && p[5] == 120 && p[6] == 112 && p[7] == 105 && p[8] == 114 && p[9] == 101 && p[10] == 115 { return .minExpires } // Min-Expires
            if p[0] == 85 && p[1] == 110 && p[2] == 115 && p[3] == 117 && p[4] == 112 && p[5] == 112 && p[6] == 111 && p[7] == 114 && p[8] == 116 && p[9] == 101 && p[10] == 100 { return .unsupported } // Unsupported
            if p[0] == 82 && p[1] == 101 && p[2] == 116 && p[3] == 114 && p[4] == 121 && p[5] == 45 && p[6] == 65 && p[7] == 102 && p[8] == 116 && p[9] == 101 && p[10] == 114 { return .retryAfter } // Retry-After
        case 12:
            if p[0] == 77 && p[1] == 97 && p[2] == 120 && p[3] == 45 && p[4] == 70 && p[5] == 111 && p[6] == 114 && p[7] == 119 && p[8] == 97 && p[9] == 114 && p[10] == 100 && p[11] == 115 { return .maxForwards } // Max-Forwards
            if p[0] == 82 && p[1] == 101 && p[2] == 99 && p[3] == 111 && p[4] == 114 && p[5] == 100 && p[6] == 45 && p[7] == 82 && p[8] == 111 && p[9] == 117 && p[10] == 116 && p[11] == 101 { return .recordRoute } // Record-Route
            if p[0] == 67 && p[1] == 111 && p[2] == 110 && p[3] == 116 && p[4] == 101 && p[5] == 110 && p[6] == 116 && p[7] == 45 && p[8] == 84 && p[9] == 121 && p[10] == 112 && p[11] == 101 { return .contentType } // Content-Type
        case 13:
            if p[0] == 65 && p[1] == 117 && p[2] == 116 && p[3] == 104 && p[4] == 111 && p[5] == 114 && p[6] == 105 && p[7] == 122 && p[8] == 97 && p[9] == 116 && p[10] == 105 && p[11] == 111 && p[12] == 110 { return .authorization } // Authorization
            if p[0] == 80 && p[1] == 114 && p[2] == 111 && p[3] == 120 && p[4] == 121 && p[5] == 45 && p[6] == 82 && p[7] == 101 && p[8] == 113 && p[9] == 117 && p[10] == 105 && p[11] == 114 && p[12] == 101 { return .proxyRequire } // Proxy-Require
        case 14:
            if p[0] == 67 && p[1] == 111 && p[2] == 110 && p[3] == 116 && p[4] == 101 && p[5] == 110 && p[6] == 116 && p[7] == 45 && p[8] == 76 && p[9] == 101 && p[10] == 110 && p[11] == 103 && p[12] == 116 && p[13] == 104 { return .contentLength } // Content-Length
        case 15:
            if p[0] == 83 && p[1] == 101 && p[2] == 115 && p[3] == 115 && p[4] == 105 && p[5] == 111 && p[6] == 110 && p[7] == 45 && p[8] == 69 && p[9] == 120 && p[10] == 112 && p[11] == 105 && p[12] == 114 && p[13] == 101 && p[14] == 115 { return .sessionExpires } // Session-Expires
            if p[0] == 65 && p[1] == 99 && p[2] == 99 && p[3] == 101 && p[4] == 112 && p[5] == 116 && p[6] == 45 && p[7] == 69 && p[8] == 110 && p[9] == 99 && p[10] == 111 && p[11] == 100 && p[12] == 105 && p[13] == 110 && p[14] == 103 { return .acceptEncoding } // Accept-Encoding
            if p[0] == 65 && p[1] == 99 && p[2] == 99 && p[3] == 101 && p[4] == 112 && p[5] == 116 && p[6] == 45 && p[7] == 76 && p[8] == 97 && p[9] == 110 && p[10] == 103 && p[11] == 117 && p[12] == 97 && p[13] == 103 && p[14] == 101 { return .acceptLanguage } // Accept-Language
        case 16:
            if p[0] == 87 && p[1] == 87 && p[2] == 87 && p[3] == 45 && p[4] == 65 && p[5] == 117 && p[6] == 116 && p[7] == 104 && p[8] == 101 && p[9] == 110 && p[10] == 116 && p[11] == 105 && p[12] == 99 && p[13] == 97 && p[14] == 116 && p[15] == 101 { return .wwwAuthenticate } // WWW-Authenticate
            if p[0] == 67 && p[1] == 111 && p[2] == 110 && p[3] == 116 && p[4] == 101 && p[5] == 110 && p[6] == 116 && p[7] == 45 && p[8] == 69 && p[9] == 110 && p[10] == 99 && p[11] == 111 && p[12] == 100 && p[13] == 105 && p[14] == 110 && p[15] == 103 { return .contentEncoding } // Content-Encoding
        case 18:
            if p[0] == 80 && p[1] == 114 && p[2] == 111 && p[3] == 120 && p[4] == 121 && p[5] == 45 && p[6] == 65 && p[7] == 117 && p[8] == 116 && p[9] == 104 && p[10] == 101 && p[11] == 110 && p[12] == 116 && p[13] == 105 && p[14] == 99 && p[15] == 97 && p[16] == 116 && p[17] == 101 { return .proxyAuthenticate } // Proxy-Authenticate
        case 19:
            if p[0] == 80 && p[1] == 114 && p[2] == 111 && p[3] == 120 && p[4] == 121 && p[5] == 45 && p[6] == 65 && p[7] == 117 && p[8] == 116 && p[9] == 104 && p[10] == 111 && p[11] == 114 && p[12] == 105 && p[13] == 122 && p[14] == 97 && p[15] == 116 && p[16] == 105 && p[17] == 111 && p[18] == 110 { return .proxyAuthorization } // Proxy-Authorization
        default: break
        }
        return nil
    }

    /// The number of the name spelled by `bytes[range]` (what
    /// `lookup(bytes, range).id` is), building no string for the
    /// well-known spellings.
    static func lookupID(_ bytes: [UInt8], _ range: Range<Int>) -> KnownHeader {
        let count = range.count
        if count > 1 {
            let exact = bytes.withUnsafeBufferPointer { exactKnown($0.baseAddress! + range.lowerBound, count) }
            if let exact { return exact }
        } else if count == 1 {
            switch ASCII.lower(bytes[range.lowerBound]) {
            case UInt8(ascii: "v"): return .via
            case UInt8(ascii: "f"): return .from
            case UInt8(ascii: "t"): return .to
            case UInt8(ascii: "i"): return .callID
            case UInt8(ascii: "m"): return .contact
            case UInt8(ascii: "l"): return .contentLength
            case UInt8(ascii: "c"): return .contentType
            default: break
            }
        }
        return lookup(bytes, range).id
    }

    /// ``lookupID(_:_:)`` for the name at `p[0..<count]`, which is `bytes[range]`.
    @inline(__always)
    static func lookupID(_ p: UnsafePointer<UInt8>, _ count: Int, _ bytes: [UInt8], _ range: Range<Int>) -> KnownHeader {
        if count > 1, let exact = exactKnown(p, count) { return exact }
        return lookupID(bytes, range)
    }

    /// The shared instances of the well-known names, by number.
    static let byID: [SIPHeaderName] = {
        var table = [SIPHeaderName](repeating: .via, count: 64)
        for name in known { table[Int(name.id.rawValue)] = name }
        return table
    }()

    private static let knownByLength: [[([UInt8], SIPHeaderName)]] = {
        var table = [[([UInt8], SIPHeaderName)]](repeating: [], count: 24)
        for name in known {
            let b = Array(name.spelling.utf8)
            if b.count < table.count { table[b.count].append((b, name)) }
        }
        return table
    }()
}
