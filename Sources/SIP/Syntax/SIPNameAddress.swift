/// A `name-addr` or `addr-spec` with header parameters: the value of From,
/// To, Contact, Route, Record-Route (RFC 3261 §20).
public struct SIPNameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name as written: a quoted string with its quotes, or tokens.
    public var displayName: String?
    public var uri: SIPURI
    /// Header parameters (`tag`, `expires`, `q`, …), not URI parameters.
    public var parameters: SIPParameters
    /// Whether the URI is written inside `<>`. Serialization adds them when
    /// they are required (a display name, or a URI with `;`, `,` or `?`).
    public var usesAngleBrackets: Bool

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters(), usesAngleBrackets: Bool = true) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
        self.usesAngleBrackets = usesAngleBrackets
    }

    /// Parses a whole header value holding one address.
    public init(_ string: String) throws(SIPSyntaxError) {
        self = try SIPNameAddress.parseWhole(ByteScanner(string))
    }

    /// Parses a value holding exactly one address.
    static func parseWhole(_ scanner: ByteScanner) throws(SIPSyntaxError) -> SIPNameAddress {
        var a = SIPNameAddress.placeholder
        try parseWhole(scanner, into: &a)
        return a
    }

    /// Parses a value holding exactly one address into `a`, in place.
    static func parseWhole(_ scanner: ByteScanner, into a: inout SIPNameAddress) throws(SIPSyntaxError) {
        var s = scanner
        s.skipWhitespace()
        try parse(&s, into: &a)
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("address") }
    }

    /// A value to overwrite (no allocation).
    static var placeholder: SIPNameAddress {
        SIPNameAddress(displayName: nil, uri: SIPURI(scheme: "sip", source: []), parameters: SIPParameters(), usesAngleBrackets: false)
    }

    /// The `tag` parameter.
    public var tag: String? {
        get { parameters.value("tag") }
        set {
            if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") }
        }
    }

    /// The display name without quotes and quoted-pair escapes.
    public var unquotedDisplayName: String? {
        guard let d = displayName else { return nil }
        guard d.utf8.first == ASCII.quote, d.utf8.count >= 2 else { return d }
        var out: [UInt8] = []
        var escaped = false
        for b in d.utf8.dropFirst().dropLast() {
            if escaped { out.append(b); escaped = false } else if b == ASCII.backslash { escaped = true } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(into out: inout [UInt8]) {
        let brackets = usesAngleBrackets || displayName != nil || !uri.parameters.isEmpty || uri.headers != nil
        if let displayName {
            out.appendUTF8(displayName)
            out.append(ASCII.space)
        }
        if brackets { out.append(ASCII.lessThan) }
        uri.write(into: &out)
        if brackets { out.append(ASCII.greaterThan) }
        parameters.write(into: &out)
    }

    /// Parses one address at the scanner (LWS before it already skipped).
    static func parse(_ s: inout ByteScanner) throws(SIPSyntaxError) -> SIPNameAddress {
        var a = SIPNameAddress.placeholder
        try parse(&s, into: &a)
        return a
    }

    /// Parses one address at the scanner into `a`, every part of it
    /// replaced (in place; on error `a` is left half written).
    static func parse(_ s: inout ByteScanner, into a: inout SIPNameAddress) throws(SIPSyntaxError) {
        var displayName: String?
        if s.peek == ASCII.quote {
            displayName = s.string(try s.quotedString())
            s.skipWhitespace()
            guard s.peek == ASCII.lessThan else { throw .expected("'<' after display name") }
        } else {
            // Display name as *(token LWS) when a '<' follows; otherwise addr-spec.
            let start = s.index
            var lastNonSpace = start
            var probe = s.index
            while probe < s.end {
                let b = s.bytes[probe]
                guard CharacterClasses.isToken(b) || ASCII.isWhitespace(b) else { break }
                probe += 1
                if !ASCII.isWhitespace(b) { lastNonSpace = probe }
            }
            if probe < s.end && s.bytes[probe] == ASCII.lessThan {
                if lastNonSpace > start { displayName = s.string(start..<lastNonSpace) }
                s.index = probe
            }
        }
        let brackets = s.consume(ASCII.lessThan)
        try SIPURI.parse(&s, addrSpec: !brackets, into: &a.uri)
        if brackets {
            guard s.consume(ASCII.greaterThan) else { throw .expected("'>'") }
        }
        a.parameters = try SIPParameters.parseHeaderParameters(&s)
        a.displayName = brackets ? displayName : nil
        a.usesAngleBrackets = brackets
    }

    /// Parses a comma-separated list of addresses filling the scanner's
    /// range, appending each to `result` and parsing it in place there.
    static func parseList(_ scanner: ByteScanner, into result: inout [SIPNameAddress]) throws(SIPSyntaxError) {
        var s = scanner
        repeat {
            s.skipWhitespace()
            result.append(.placeholder)
            try parse(&s, into: &result[result.count - 1])
        } while s.consumeSeparator(ASCII.comma)
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("address") }
    }

    /// Parses a comma-separated list of addresses (Contact, Route, Record-Route).
    static func parseList(_ value: String) throws(SIPSyntaxError) -> [SIPNameAddress] {
        try ByteScanner.parseList(value, of: "address", parse)
    }
}
