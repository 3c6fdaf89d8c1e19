/// A URI as SIP carries it: `sip:`/`sips:` (RFC 3261 §19.1), `tel:`
/// (RFC 3966), or any other scheme kept opaque.
///
/// Parts are kept as written, escapes included, so a URI re-serializes
/// unchanged; ``decodedUser`` gives the user part with `%XX` decoded. A
/// parsed URI keeps its parts as bytes of the received message until they
/// are read.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// The scheme, lowercased.
    public var scheme: String
    /// The user part (sip/sips) or the subscriber number (tel), escaped as written.
    public var user: String? {
        get { userPart.string(source) }
        set { replacePart(0, newValue) }
    }
    public var password: String? {
        get { passwordPart.string(source) }
        set { replacePart(1, newValue) }
    }
    /// Host name, IPv4 address, or IPv6 reference with its brackets; empty for tel and opaque URIs.
    public var host: String {
        get { hostPart.string(source) ?? "" }
        set { replacePart(2, newValue) }
    }
    public var port: Int?
    public var parameters: SIPParameters
    /// The headers part after `?`, as written (without the `?`).
    public var headers: String? {
        get { headersPart.string(source) }
        set { replacePart(3, newValue) }
    }
    /// For schemes other than sip, sips and tel: everything after `scheme:`.
    public var opaque: String? {
        get { opaquePart.string(source) }
        set { replacePart(4, newValue) }
    }

    /// One textual part: absent, or the bytes `lo..<hi` of ``source``.
    /// Plain offsets, so copying a URI copies no references for its parts.
    struct Part: Sendable {
        var lo: UInt32
        var hi: UInt32

        static var absent: Part { Part(lo: .max, hi: .max) }

        init(lo: UInt32, hi: UInt32) {
            self.lo = lo
            self.hi = hi
        }

        init(_ r: Range<Int>) { self.init(lo: UInt32(truncatingIfNeeded: r.lowerBound), hi: UInt32(truncatingIfNeeded: r.upperBound)) }

        @inline(__always)
        var isAbsent: Bool { lo == .max }

        @inline(__always)
        var range: Range<Int> { Int(lo)..<Int(hi) }

        @inline(__always)
        func string(_ source: [UInt8]) -> String? {
            isAbsent ? nil : String(decoding: source[range], as: UTF8.self)
        }

        @inline(__always)
        func write(_ source: [UInt8], into out: inout [UInt8]) {
            if !isAbsent { out.append(contentsOf: source[range]) }
        }

        static func equal(_ x: Part, _ xs: [UInt8], _ y: Part, _ ys: [UInt8]) -> Bool {
            if x.isAbsent || y.isAbsent { return x.isAbsent && y.isAbsent }
            if xs[x.range].elementsEqual(ys[y.range]) { return true }
            return x.string(xs) == y.string(ys)
        }
    }

    /// The bytes that the parts index (the received message, or the parts'
    /// own bytes for a built or changed URI).
    var source: [UInt8]
    var userPart: Part
    var passwordPart: Part
    var hostPart: Part
    var headersPart: Part
    var opaquePart: Part

    public init(
        scheme: String = "sip", user: String? = nil, password: String? = nil, host: String,
        port: Int? = nil, parameters: SIPParameters = SIPParameters(), headers: String? = nil
    ) {
        self.scheme = scheme
        self.source = []
        self.userPart = .absent
        self.passwordPart = .absent
        self.hostPart = .absent
        self.port = port
        self.parameters = parameters
        self.headersPart = .absent
        self.opaquePart = .absent
        setParts(user, password, host, headers, nil)
    }

    /// An empty URI of `scheme` whose parts will index `source`.
    init(scheme: String, source: [UInt8]) {
        self.scheme = scheme
        self.source = source
        self.userPart = .absent
        self.passwordPart = .absent
        self.hostPart = Part(lo: 0, hi: 0)
        self.port = nil
        self.parameters = SIPParameters()
        self.headersPart = .absent
        self.opaquePart = .absent
    }

    /// Replaces part `index` (user, password, host, headers, opaque) with
    /// `value`; the parts then index bytes of their own.
    private mutating func replacePart(_ index: Int, _ value: String?) {
        var parts = [user, password, hostPart.string(source), headers, opaque]
        parts[index] = value
        setParts(parts[0], parts[1], parts[2] ?? "", parts[3], parts[4])
    }

    private mutating func setParts(_ user: String?, _ password: String?, _ host: String, _ headers: String?, _ opaque: String?) {
        var bytes: [UInt8] = []
        func add(_ s: String?) -> Part {
            guard let s else { return .absent }
            let lo = bytes.count
            bytes.append(contentsOf: s.utf8)
            return Part(lo..<bytes.count)
        }
        userPart = add(user)
        passwordPart = add(password)
        hostPart = add(host)
        headersPart = add(headers)
        opaquePart = add(opaque)
        source = bytes
    }

    public static func == (a: SIPURI, b: SIPURI) -> Bool {
        a.scheme == b.scheme && a.port == b.port
            && Part.equal(a.hostPart, a.source, b.hostPart, b.source)
            && Part.equal(a.userPart, a.source, b.userPart, b.source)
            && Part.equal(a.passwordPart, a.source, b.passwordPart, b.source)
            && Part.equal(a.headersPart, a.source, b.headersPart, b.source)
            && Part.equal(a.opaquePart, a.source, b.opaquePart, b.source)
            && a.parameters == b.parameters
    }

    public func hash(into h: inout Hasher) {
        h.combine(scheme)
        h.combine(user)
        h.combine(password)
        h.combine(host)
        h.combine(port)
        h.combine(parameters)
        h.combine(headers)
        h.combine(opaque)
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
        out.appendUTF8(scheme)
        out.append(ASCII.colon)
        if !opaquePart.isAbsent {
            opaquePart.write(source, into: &out)
            return
        }
        if !userPart.isAbsent {
            userPart.write(source, into: &out)
            if !passwordPart.isAbsent {
                out.append(ASCII.colon)
                passwordPart.write(source, into: &out)
            }
            if scheme != "tel" { out.append(ASCII.at) }
        }
        hostPart.write(source, into: &out)
        if let port {
            out.append(ASCII.colon)
            out.appendDecimal(port)
        }
        parameters.write(into: &out)
        if !headersPart.isAbsent {
            out.append(ASCII.question)
            headersPart.write(source, into: &out)
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
        var uri = SIPURI(scheme: "sip", source: [])
        try parse(&s, addrSpec: addrSpec, into: &uri)
        return uri
    }

    /// Parses a URI at the scanner into `uri`, every part of it replaced
    /// (in place: no URI is built and copied; on error `uri` is left half
    /// written).
    static func parse(_ s: inout ByteScanner, addrSpec: Bool, into uri: inout SIPURI) throws(SIPSyntaxError) {
        let schemeStart = s.index
        let known: Int
        if s.end - schemeStart >= 4, s.bytes[schemeStart] | 0x20 == 115, s.bytes[schemeStart + 1] | 0x20 == 105,
           s.bytes[schemeStart + 2] | 0x20 == 112, s.bytes[schemeStart + 3] == ASCII.colon {
            // `sip:` in any case, the common scheme.
            s.index = schemeStart + 4
            known = 1
        } else {
            while let b = s.peek, b != ASCII.colon {
                let ok = (b | 0x20) &- 97 < 26 || (s.index > schemeStart && (CharacterClasses.isDigit(b) || b == 43 || b == 45 || b == 46))
                guard ok else { throw .expected("URI scheme") }
                s.index += 1
            }
            guard s.index > schemeStart, s.consume(ASCII.colon) else { throw .expected("URI scheme") }
            known = knownScheme(s.bytes, schemeStart..<(s.index - 1))
        }
        switch known {
        case 1: uri.scheme = "sip"
        case 2: uri.scheme = "sips"
        case 3: uri.scheme = "tel"
        default: uri.scheme = s.string(schemeStart..<(s.index - 1)).asciiLowercased
        }
        uri.source = s.bytes
        uri.userPart = .absent
        uri.passwordPart = .absent
        uri.hostPart = Part(lo: 0, hi: 0)
        uri.port = nil
        uri.headersPart = .absent
        uri.opaquePart = .absent

        switch known {
        case 1, 2:
            try parseSIP(&s, into: &uri, addrSpec: addrSpec)
        case 3:
            let number = s.scan(CharacterClasses.paramChar)
            guard !number.isEmpty else { throw .expected("telephone number") }
            // The number stops at ';' which paramChar excludes.
            uri.userPart = Part(number)
            if !addrSpec {
                uri.parameters = try SIPParameters.parse(
                    &s, nameClass: CharacterClasses.paramChar, valueClass: CharacterClasses.paramChar,
                    allowWhitespace: false, allowQuoted: false)
            } else {
                uri.parameters = SIPParameters()
            }
        default:
            let start = s.index
            while let b = s.peek, b > 32, b != ASCII.greaterThan, b != ASCII.lessThan, b != ASCII.quote,
                  !(addrSpec && (b == ASCII.semicolon || b == ASCII.comma)) {
                s.index += 1
            }
            guard s.index > start else { throw .expected("URI") }
            uri.opaquePart = Part(start..<s.index)
            uri.parameters = SIPParameters()
        }
    }

    /// `sip`, `sips` or `tel` in any case: 1, 2, 3; 0 for any other scheme.
    private static func knownScheme(_ b: [UInt8], _ r: Range<Int>) -> Int {
        let n = r.count, i = r.lowerBound
        guard n == 3 || n == 4 else { return 0 }
        let c0 = ASCII.lower(b[i]), c1 = ASCII.lower(b[i + 1]), c2 = ASCII.lower(b[i + 2])
        if c0 == 115 && c1 == 105 && c2 == 112 {
            if n == 3 { return 1 }
            if ASCII.lower(b[i + 3]) == 115 { return 2 }
        } else if n == 3 && c0 == 116 && c1 == 101 && c2 == 108 {
            return 3
        }
        return 0
    }

    private static func parseSIP(_ s: inout ByteScanner, into uri: inout SIPURI, addrSpec: Bool) throws(SIPSyntaxError) {
        // One pass over the bytes: userinfo is everything up to the first '@'
        // (user parts may hold ';', '?', ','), then the host.
        let userStart = s.index, end = s.end
        var at = -1, colon = -1, hostStart = userStart, hostEnd = userStart
        let classes = s.classes
        let failure: Int = s.bytes.withUnsafeBufferPointer { p in
            do {
                // The first '@' before the end of the URI (white space, '>', or in
                // an addr-spec ','), checking the user part (up to a ':') on the way.
                var i = userStart
                var firstColon = -1
                var badUser = false
                while i < end {
                    let b = p[i]
                    if classes[Int(b)] & CharacterClasses.userChar != 0 && b != ASCII.comma { i += 1; continue }
                    if b == ASCII.at { at = i; break }
                    if b <= 32 || b == ASCII.greaterThan || (addrSpec && b == ASCII.comma) { break }
                    if firstColon < 0 {
                        if b == ASCII.colon { firstColon = i } else if b != ASCII.comma { badUser = true }
                    }
                    i += 1
                }
                if at >= 0 {
                    colon = firstColon
                    if badUser { return 1 }
                    if (colon >= 0 ? colon : at) <= userStart { return 1 }
                    hostStart = at + 1
                }
                var k = hostStart
                if k < end && p[k] == ASCII.leftBracket {
                    while k < end && p[k] != ASCII.rightBracket {
                        let b = p[k]
                        guard b == ASCII.colon || b == 46 || CharacterClasses.isDigit(b) || (b | 0x20) &- 97 < 6 || b == ASCII.leftBracket else {
                            return 2
                        }
                        k += 1
                    }
                    if k >= end { return 3 }
                    k += 1
                } else {
                    while k < end && classes[Int(p[k])] & CharacterClasses.hostname != 0 { k += 1 }
                }
                hostEnd = k
                return 0
            }
        }
        switch failure {
        case 1: throw .expected("user part")
        case 2: throw .expected("IPv6 reference")
        case 3: throw .expected("']'")
        default: break
        }
        if at >= 0 {
            uri.userPart = Part(userStart..<(colon >= 0 ? colon : at))
            if colon >= 0 { uri.passwordPart = Part((colon + 1)..<at) }
        }
        s.index = hostEnd
        guard hostEnd > hostStart else { throw .expected("host") }
        uri.hostPart = Part(hostStart..<hostEnd)
        if s.consume(ASCII.colon) {
            guard let port = s.number(maxDigits: 5), port <= 65535 else { throw .expected("port") }
            uri.port = Int(port)
        }
        if addrSpec {
            if s.peek == ASCII.question { throw .expected("name-addr with <> for a URI with headers") }
            uri.parameters = SIPParameters()
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
            uri.headersPart = Part(start..<s.index)
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
