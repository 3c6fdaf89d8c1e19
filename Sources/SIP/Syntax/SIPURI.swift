/// A URI as SIP carries it: `sip:`/`sips:` (RFC 3261 §19.1), `tel:`
/// (RFC 3966), or any other scheme kept opaque.
///
/// Parts are kept as written, escapes included, so a URI re-serializes
/// unchanged; ``decodedUser`` gives the user part with `%XX` decoded.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// The scheme, lowercased.
    public var scheme: String
    /// The user part (sip/sips) or the subscriber number (tel), escaped as written.
    public var user: String?
    public var password: String?
    /// Host name, IPv4 address, or IPv6 reference with its brackets; empty for tel and opaque URIs.
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters
    /// The headers part after `?`, as written (without the `?`).
    public var headers: String?
    /// For schemes other than sip, sips and tel: everything after `scheme:`.
    public var opaque: String?

    public init(
        scheme: String = "sip", user: String? = nil, password: String? = nil, host: String,
        port: Int? = nil, parameters: SIPParameters = SIPParameters(), headers: String? = nil
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
        self.opaque = nil
    }

    /// Parses a complete URI (a Request-URI, or one inside `<>`).
    public init(_ string: String) throws(SIPSyntaxError) {
        var s = ByteScanner(string)
        self = try SIPURI.parse(&s, addrSpec: false)
        guard s.atEnd else { throw .trailingCharacters("URI") }
    }

    /// Whether the scheme is `sip` or `sips`.
    public var isSIP: Bool { scheme == "sip" || scheme == "sips" }

    /// The `transport` URI parameter, lowercased.
    public var transport: String? { parameters.value("transport")?.asciiLowercased }

    /// The user part with percent-escapes decoded.
    public var decodedUser: String? { user.map(PercentEncoding.decode) }

    /// The host and port as `host[:port]`.
    public var hostPort: String { port.map { "\(host):\($0)" } ?? host }

    public var description: String { String(decoding: bytes, as: UTF8.self) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        out.append(contentsOf: scheme.utf8)
        out.append(ASCII.colon)
        if let opaque {
            out.append(contentsOf: opaque.utf8)
            return
        }
        if let user {
            out.append(contentsOf: user.utf8)
            if let password {
                out.append(ASCII.colon)
                out.append(contentsOf: password.utf8)
            }
            if scheme != "tel" { out.append(ASCII.at) }
        }
        out.append(contentsOf: host.utf8)
        if let port {
            out.append(ASCII.colon)
            out.append(contentsOf: String(port).utf8)
        }
        parameters.write(into: &out)
        if let headers {
            out.append(ASCII.question)
            out.append(contentsOf: headers.utf8)
        }
    }

    /// Equivalence per RFC 3261 §19.1.4 (case-insensitive scheme and host,
    /// decoded user, the parameters that must match).
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme == other.scheme else { return false }
        if !isSIP { return description == other.description }
        guard decodedUser == other.decodedUser, password == other.password,
              host.caseInsensitiveEquals(other.host), port == other.port else { return false }
        for name in ["user", "ttl", "method", "maddr", "transport"] {
            let a = parameters.value(name)?.asciiLowercased, b = other.parameters.value(name)?.asciiLowercased
            if a != b { return false }
        }
        for p in parameters where other.parameters.contains(p.name) {
            if other.parameters.value(p.name)?.asciiLowercased != p.value?.asciiLowercased { return false }
        }
        return true
    }

    /// Parses a URI at the scanner. In `addrSpec` mode (a header value
    /// without `<>`) the URI ends at `;`, `,` or white space, which belong
    /// to the header, and a `?` is an error (RFC 3261 §20).
    static func parse(_ s: inout ByteScanner, addrSpec: Bool) throws(SIPSyntaxError) -> SIPURI {
        let schemeStart = s.index
        while let b = s.peek, b != ASCII.colon {
            let ok = (b | 0x20) &- 97 < 26 || (s.index > schemeStart && (CharacterClasses.isDigit(b) || b == 43 || b == 45 || b == 46))
            guard ok else { throw .expected("URI scheme") }
            s.index += 1
        }
        guard s.index > schemeStart, s.consume(ASCII.colon) else { throw .expected("URI scheme") }
        let scheme = knownScheme(s.bytes, schemeStart..<(s.index - 1)) ?? s.string(schemeStart..<(s.index - 1)).asciiLowercased
        var uri = SIPURI(scheme: scheme, host: "")

        switch scheme {
        case "sip", "sips":
            try parseSIP(&s, into: &uri, addrSpec: addrSpec)
        case "tel":
            let number = s.scan(CharacterClasses.paramChar)
            guard !number.isEmpty else { throw .expected("telephone number") }
            // The number stops at ';' which paramChar excludes.
            uri.user = s.string(number)
            if !addrSpec {
                uri.parameters = try SIPParameters.parse(
                    &s, nameClass: CharacterClasses.paramChar, valueClass: CharacterClasses.paramChar,
                    allowWhitespace: false, allowQuoted: false)
            }
        default:
            let start = s.index
            while let b = s.peek, b > 32, b != ASCII.greaterThan, b != ASCII.lessThan, b != ASCII.quote,
                  !(addrSpec && (b == ASCII.semicolon || b == ASCII.comma)) {
                s.index += 1
            }
            guard s.index > start else { throw .expected("URI") }
            uri.opaque = s.string(start..<s.index)
        }
        return uri
    }

    /// `sip`, `sips` or `tel` in any case, as a literal (no new string).
    private static func knownScheme(_ b: [UInt8], _ r: Range<Int>) -> String? {
        let n = r.count, i = r.lowerBound
        guard n == 3 || n == 4 else { return nil }
        let c0 = ASCII.lower(b[i]), c1 = ASCII.lower(b[i + 1]), c2 = ASCII.lower(b[i + 2])
        if c0 == 115 && c1 == 105 && c2 == 112 {
            if n == 3 { return "sip" }
            if ASCII.lower(b[i + 3]) == 115 { return "sips" }
        } else if n == 3 && c0 == 116 && c1 == 101 && c2 == 108 {
            return "tel"
        }
        return nil
    }

    private static func parseSIP(_ s: inout ByteScanner, into uri: inout SIPURI, addrSpec: Bool) throws(SIPSyntaxError) {
        // userinfo: everything up to the first '@' (user parts may hold ';', '?', ',').
        var limit = s.end
        if addrSpec {
            var i = s.index
            while i < s.end, s.bytes[i] > 32, s.bytes[i] != ASCII.comma, s.bytes[i] != ASCII.greaterThan { i += 1 }
            limit = i
        } else {
            var i = s.index
            while i < s.end, s.bytes[i] > 32, s.bytes[i] != ASCII.greaterThan { i += 1 }
            limit = i
        }
        var at: Int?
        var i = s.index
        while i < limit {
            if s.bytes[i] == ASCII.at { at = i; break }
            i += 1
        }
        if let at {
            var colon: Int?
            var j = s.index
            while j < at {
                let b = s.bytes[j]
                if b == ASCII.colon && colon == nil { colon = j }
                else if colon == nil {
                    guard s.classes[Int(b)] & CharacterClasses.userChar != 0 else { throw .expected("user part") }
                }
                j += 1
            }
            let userEnd = colon ?? at
            guard userEnd > s.index else { throw .expected("user part") }
            uri.user = s.string(s.index..<userEnd)
            if let colon { uri.password = s.string((colon + 1)..<at) }
            s.index = at + 1
        }
        // host
        let hostStart = s.index
        if s.peek == ASCII.leftBracket {
            while let b = s.peek, b != ASCII.rightBracket {
                guard b == ASCII.colon || b == 46 || CharacterClasses.isDigit(b) || (b | 0x20) &- 97 < 6 || b == ASCII.leftBracket else {
                    throw .expected("IPv6 reference")
                }
                s.index += 1
            }
            guard s.consume(ASCII.rightBracket) else { throw .expected("']'") }
        } else {
            while let b = s.peek, (b | 0x20) &- 97 < 26 || CharacterClasses.isDigit(b) || b == 45 || b == 46 || b == 95 {
                s.index += 1
            }
        }
        guard s.index > hostStart else { throw .expected("host") }
        uri.host = s.string(hostStart..<s.index)
        if s.consume(ASCII.colon) {
            guard let port = s.number(maxDigits: 5), port <= 65535 else { throw .expected("port") }
            uri.port = Int(port)
        }
        if addrSpec {
            if s.peek == ASCII.question { throw .expected("name-addr with <> for a URI with headers") }
            return
        }
        uri.parameters = try SIPParameters.parse(
            &s, nameClass: CharacterClasses.paramChar, valueClass: CharacterClasses.paramChar,
            allowWhitespace: false, allowQuoted: false)
        if s.consume(ASCII.question) {
            let start = s.index
            while let b = s.peek, CharacterClasses.is(b, CharacterClasses.headerChar) || b == ASCII.equals || b == 38 {
                s.index += 1
            }
            uri.headers = s.string(start..<s.index)
        }
    }
}

/// `%XX` escapes in URIs.
public enum PercentEncoding {
    /// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept.
    public static func decode(_ string: String) -> String {
        guard string.utf8.contains(ASCII.percent) else { return string }
        let b = Array(string.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == ASCII.percent, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}
