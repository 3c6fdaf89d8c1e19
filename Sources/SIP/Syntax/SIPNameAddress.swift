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
        var s = scanner
        s.skipWhitespace()
        let a = try parse(&s)
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("address") }
        return a
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
        var displayName: String?
        if s.peek == ASCII.quote {
            displayName = s.string(try s.quotedString())
            s.skipWhitespace()
            guard s.peek == ASCII.lessThan else { throw .expected("'<' after display name") }
        } else {
            // Display name as *(token LWS) when a '<' follows; otherwise addr-spec.
            let start = s.index
            var lastNonSpace = start
            var probe = s
            while let b = probe.peek, CharacterClasses.isToken(b) || ASCII.isWhitespace(b) {
                probe.index += 1
                if !ASCII.isWhitespace(b) { lastNonSpace = probe.index }
            }
            if probe.peek == ASCII.lessThan {
                if lastNonSpace > start { displayName = s.string(start..<lastNonSpace) }
                s = probe
            }
        }
        let brackets = s.consume(ASCII.lessThan)
        let uri = try SIPURI.parse(&s, addrSpec: !brackets)
        if brackets {
            guard s.consume(ASCII.greaterThan) else { throw .expected("'>'") }
        }
        let parameters = try SIPParameters.parseHeaderParameters(&s)
        return SIPNameAddress(displayName: brackets ? displayName : nil, uri: uri, parameters: parameters, usesAngleBrackets: brackets)
    }

    /// Parses a comma-separated list of addresses (Contact, Route, Record-Route).
    static func parseList(_ value: String) throws(SIPSyntaxError) -> [SIPNameAddress] {
        try ByteScanner.parseList(value, of: "address", parse)
    }
}
