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

    /// Where the parameters live: parsed ones stay the checked bytes of the
    /// received message (`;a=b;c`) until changed; built or changed ones are
    /// a list of their own.
    enum Storage: Sendable {
        case owned([Parameter])
        case raw(RawParameters)
    }

    /// Parameters already parsed from `source[range]`, read again on demand
    /// with the byte classes they were parsed with.
    struct RawParameters: Sendable {
        let source: [UInt8]
        let lo: UInt32
        let hi: UInt32
        let storedCount: UInt32
        let nameClass: UInt8
        let valueClass: UInt8
        /// No white space anywhere in the range: the bytes are exactly what
        /// the parameters write.
        let verbatim: Bool

        init(source: [UInt8], range: Range<Int>, nameClass: UInt8, valueClass: UInt8, verbatim: Bool, count: Int) {
            self.source = source
            self.lo = UInt32(truncatingIfNeeded: range.lowerBound)
            self.hi = UInt32(truncatingIfNeeded: range.upperBound)
            self.storedCount = UInt32(truncatingIfNeeded: count)
            self.nameClass = nameClass
            self.valueClass = valueClass
            self.verbatim = verbatim
        }

        @inline(__always) var range: Range<Int> { Int(lo)..<Int(hi) }
        @inline(__always) var count: Int { Int(storedCount) }

        /// Calls `body` with each parameter's name and value ranges, in order,
        /// until it returns false.
        @inline(__always)
        func forEach(_ body: (Range<Int>, Range<Int>?) -> Bool) {
            var s = ByteScanner(source, from: range.lowerBound, to: range.upperBound)
            while s.consumeSeparator(ASCII.semicolon) {
                let name = s.scan(nameClass)
                var value: Range<Int>?
                if s.consumeSeparator(ASCII.equals) {
                    if s.peek == ASCII.quote {
                        value = try? s.quotedString()
                    } else {
                        value = s.scan(valueClass)
                    }
                }
                if !body(name, value) { return }
            }
        }

        /// The value range of the first parameter named `name`: nil when
        /// absent, `.some(nil)` when present without a value.
        func find(_ name: String) -> Range<Int>?? {
            var found: Range<Int>??
            let n = name.utf8
            forEach { r, value in
                guard r.count == n.count else { return true }
                var i = r.lowerBound
                for b in n {
                    if ASCII.lower(b) != ASCII.lower(source[i]) { return true }
                    i += 1
                }
                found = .some(value)
                return false
            }
            return found
        }

        func string(_ r: Range<Int>) -> String { String(decoding: source[r], as: UTF8.self) }

        var elements: [Parameter] {
            var result: [Parameter] = []
            result.reserveCapacity(count)
            forEach { name, value in
                result.append(Parameter(name: string(name), value: value.map(string)))
                return true
            }
            return result
        }
    }

    var storage: Storage

    /// The parameters, in order.
    public var elements: [Parameter] {
        switch storage {
        case .owned(let e): return e
        case .raw(let r): return r.elements
        }
    }

    public init() { storage = .owned([]) }

    public init(dictionaryLiteral elements: (String, String?)...) {
        storage = .owned(elements.map { Parameter(name: $0.0, value: $0.1) })
    }

    init(raw: RawParameters) { storage = .raw(raw) }

    public var isEmpty: Bool {
        switch storage {
        case .owned(let e): return e.isEmpty
        case .raw(let r): return r.count == 0
        }
    }

    public var count: Int {
        switch storage {
        case .owned(let e): return e.count
        case .raw(let r): return r.count
        }
    }

    public func makeIterator() -> IndexingIterator<[Parameter]> { elements.makeIterator() }

    /// Whether a parameter of that name is present (with or without value).
    public func contains(_ name: String) -> Bool {
        switch storage {
        case .owned(let e): return e.contains { $0.name.caseInsensitiveEquals(name) }
        case .raw(let r): return r.find(name) != nil
        }
    }

    /// The value of the first parameter of that name; `.some(nil)` for a
    /// parameter present without a value.
    public subscript(name: String) -> String?? {
        get {
            switch storage {
            case .owned(let e):
                for p in e where p.name.caseInsensitiveEquals(name) { return .some(p.value) }
                return .none
            case .raw(let r):
                guard let v = r.find(name) else { return .none }
                return .some(v.map(r.string))
            }
        }
    }

    /// The value of `name`, or nil when absent or valueless.
    public func value(_ name: String) -> String? {
        switch storage {
        case .owned(let e):
            for p in e where p.name.caseInsensitiveEquals(name) { return p.value }
            return nil
        case .raw(let r):
            guard let v = r.find(name), let v else { return nil }
            return r.string(v)
        }
    }

    /// The list of its own, for changing.
    private mutating func withElements<R>(_ body: (inout [Parameter]) -> R) -> R {
        var e: [Parameter]
        switch storage {
        case .owned(let o): e = o
        case .raw(let r): e = r.elements
        }
        storage = .owned([])
        defer { storage = .owned(e) }
        return body(&e)
    }

    /// Sets `name` (replacing an existing one in place, else appending).
    public mutating func set(_ name: String, _ value: String?) {
        withElements { elements in
            if let i = elements.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
                elements[i].value = value
            } else {
                elements.append(Parameter(name: name, value: value))
            }
        }
    }

    public mutating func remove(_ name: String) {
        withElements { elements in elements.removeAll { $0.name.caseInsensitiveEquals(name) } }
    }

    public mutating func append(_ name: String, _ value: String?) {
        withElements { elements in elements.append(Parameter(name: name, value: value)) }
    }

    public static func == (a: SIPParameters, b: SIPParameters) -> Bool {
        if case .raw(let x) = a.storage, case .raw(let y) = b.storage, x.verbatim, y.verbatim,
           x.source[x.range].elementsEqual(y.source[y.range]) {
            return true
        }
        return a.elements == b.elements
    }

    public func hash(into h: inout Hasher) { h.combine(elements) }

    /// Appends `;name=value` for each parameter.
    func write(into out: inout [UInt8]) {
        switch storage {
        case .raw(let r) where r.verbatim:
            out.append(contentsOf: r.source[r.range])
        case .raw(let r):
            r.forEach { name, value in
                out.append(ASCII.semicolon)
                out.append(contentsOf: r.source[name])
                if let value {
                    out.append(ASCII.equals)
                    out.append(contentsOf: r.source[value])
                }
                return true
            }
        case .owned(let e):
            for p in e {
                out.append(ASCII.semicolon)
                out.appendUTF8(p.name)
                if let v = p.value {
                    out.append(ASCII.equals)
                    out.appendUTF8(v)
                }
            }
        }
    }

    /// Parses `*( SEMI name [EQUAL value] )` from the scanner, stopping at
    /// anything that is not a `;`. `allowedValue` is the byte class of
    /// unquoted values; header parameters also accept quoted strings. The
    /// result refers to the scanner's bytes.
    static func parse(
        _ s: inout ByteScanner,
        nameClass: UInt8,
        valueClass: UInt8,
        allowWhitespace: Bool,
        allowQuoted: Bool
    ) throws(SIPSyntaxError) -> SIPParameters {
        let start = s.index
        var end = start
        var count = 0
        var verbatim = true
        while true {
            let before = s.index
            if allowWhitespace {
                guard s.consumeSeparator(ASCII.semicolon) else { break }
                if s.index - before != 1 { verbatim = false }
            } else {
                guard s.consume(ASCII.semicolon) else { break }
            }
            let name = s.scan(nameClass)
            guard !name.isEmpty else { throw .expected("parameter name") }
            let beforeEquals = s.index
            let matched = allowWhitespace ? s.consumeSeparator(ASCII.equals) : s.consume(ASCII.equals)
            if matched {
                if s.index - beforeEquals != 1 { verbatim = false }
                if allowQuoted, s.peek == ASCII.quote {
                    _ = try s.quotedString()
                } else {
                    let v = s.scan(valueClass)
                    guard !v.isEmpty else { throw .expected("parameter value") }
                }
            }
            count += 1
            end = s.index
        }
        if count == 0 { return SIPParameters() }
        return SIPParameters(raw: RawParameters(
            source: s.bytes, range: start..<end, nameClass: nameClass, valueClass: valueClass,
            verbatim: verbatim, count: count))
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
