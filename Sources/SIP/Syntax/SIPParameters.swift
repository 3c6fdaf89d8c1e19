/// An ordered list of `;name=value` parameters (URI or header parameters).
///
/// Names compare case-insensitively; values are kept as written (a quoted
/// value keeps its quotes) so that a message re-serializes unchanged.
public struct SIPParameters: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One parameter; `value` is nil for a parameter without `=`.
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var elements: [Parameter]

    public init() { elements = [] }

    public init(dictionaryLiteral elements: (String, String?)...) {
        self.elements = elements.map { Parameter(name: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { elements.isEmpty }
    public var count: Int { elements.count }

    public func makeIterator() -> IndexingIterator<[Parameter]> { elements.makeIterator() }

    /// Whether a parameter of that name is present (with or without value).
    public func contains(_ name: String) -> Bool {
        elements.contains { $0.name.caseInsensitiveEquals(name) }
    }

    /// The value of the first parameter of that name; `.some(nil)` for a
    /// parameter present without a value.
    public subscript(name: String) -> String?? {
        get {
            for p in elements where p.name.caseInsensitiveEquals(name) { return .some(p.value) }
            return .none
        }
    }

    /// The value of `name`, or nil when absent or valueless.
    public func value(_ name: String) -> String? {
        for p in elements where p.name.caseInsensitiveEquals(name) { return p.value }
        return nil
    }

    /// Sets `name` (replacing an existing one in place, else appending).
    public mutating func set(_ name: String, _ value: String?) {
        if let i = elements.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
            elements[i].value = value
        } else {
            elements.append(Parameter(name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        elements.removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    public mutating func append(_ name: String, _ value: String?) {
        elements.append(Parameter(name: name, value: value))
    }

    /// Appends `;name=value` for each parameter.
    func write(into out: inout [UInt8]) {
        for p in elements {
            out.append(ASCII.semicolon)
            out.append(contentsOf: p.name.utf8)
            if let v = p.value {
                out.append(ASCII.equals)
                out.append(contentsOf: v.utf8)
            }
        }
    }

    /// Parses `*( SEMI name [EQUAL value] )` from the scanner, stopping at
    /// anything that is not a `;`. `allowedValue` is the byte class of
    /// unquoted values; header parameters also accept quoted strings.
    static func parse(
        _ s: inout ByteScanner,
        nameClass: UInt8,
        valueClass: UInt8,
        allowWhitespace: Bool,
        allowQuoted: Bool
    ) throws(SIPSyntaxError) -> SIPParameters {
        var result = SIPParameters()
        while true {
            if allowWhitespace {
                guard s.consumeSeparator(ASCII.semicolon) else { break }
            } else {
                guard s.consume(ASCII.semicolon) else { break }
            }
            let name = s.scan(nameClass)
            guard !name.isEmpty else { throw .expected("parameter name") }
            var value: String?
            let matched = allowWhitespace ? s.consumeSeparator(ASCII.equals) : s.consume(ASCII.equals)
            if matched {
                if allowQuoted, s.peek == ASCII.quote {
                    value = s.string(try s.quotedString())
                } else {
                    let v = s.scan(valueClass)
                    guard !v.isEmpty else { throw .expected("parameter value") }
                    value = s.string(v)
                }
            }
            result.elements.append(Parameter(name: s.string(name), value: value))
        }
        return result
    }

    /// Header parameters: `generic-param`, with LWS around `;` and `=`.
    static func parseHeaderParameters(_ s: inout ByteScanner) throws(SIPSyntaxError) -> SIPParameters {
        // gen-value = token / host / quoted-string; host adds ':' '[' ']'.
        try parse(s: &s, valueClass: CharacterClasses.token | CharacterClasses.hostChar)
    }

    private static func parse(s: inout ByteScanner, valueClass: UInt8) throws(SIPSyntaxError) -> SIPParameters {
        try parse(&s, nameClass: CharacterClasses.token, valueClass: valueClass, allowWhitespace: true, allowQuoted: true)
    }
}
