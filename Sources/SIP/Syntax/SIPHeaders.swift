/// The header fields of a message, in order, as name and value.
///
/// Values are kept as received, with line folding replaced by a single space
/// and surrounding white space trimmed. Repeated fields stay separate, so a
/// message re-serializes as it came. A parsed message's values stay bytes in
/// the received buffer until asked for as strings, and are written back from
/// those bytes.
public struct SIPHeaders: Sendable, Sequence, Hashable, ExpressibleByDictionaryLiteral {
    /// One header field.
    public struct Field: Sendable, Hashable {
        public var name: SIPHeaderName
        public var value: String
        public init(name: SIPHeaderName, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Where a value lives: bytes of ``storage``, or a string of its own.
    enum FieldValue: Sendable {
        case raw(Range<Int>)
        case owned(String)
    }

    struct Entry: Sendable {
        var name: SIPHeaderName
        var value: FieldValue
    }

    /// The received bytes that raw values point into.
    var storage: [UInt8]
    var entries: [Entry] {
        didSet { verbatimBlock = nil }
    }
    /// For fields unchanged since parsing that were written as the
    /// serializer writes them (`Name: value CRLF`): their bytes, in one piece.
    var verbatimBlock: Range<Int>?

    public init() {
        storage = []
        entries = []
    }

    public init(_ fields: [Field]) {
        storage = []
        entries = fields.map { Entry(name: $0.name, value: .owned($0.value)) }
    }

    init(storage: [UInt8], entries: [Entry]) {
        self.storage = storage
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { Field(name: SIPHeaderName($0.0), value: $0.1) })
    }

    public var count: Int { entries.count }

    /// Every field, with its value as a string.
    public var fields: [Field] { entries.map { Field(name: $0.name, value: string($0.value)) } }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    @inline(__always)
    func string(_ value: FieldValue) -> String {
        switch value {
        case .raw(let r): return String(decoding: storage[r], as: UTF8.self)
        case .owned(let s): return s
        }
    }

    /// A scanner over a value, without copying raw bytes.
    func scanner(_ value: FieldValue) -> ByteScanner {
        switch value {
        case .raw(let r): return ByteScanner(storage, from: r.lowerBound, to: r.upperBound)
        case .owned(let s): return ByteScanner(s)
        }
    }

    /// The value of the first field named `name`.
    public subscript(name: SIPHeaderName) -> String? {
        for e in entries where e.name == name { return string(e.value) }
        return nil
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? { self[SIPHeaderName(name)] }

    /// The values of every field named `name`, one per field.
    public func fieldValues(_ name: SIPHeaderName) -> [String] {
        entries.compactMap { $0.name == name ? string($0.value) : nil }
    }

    /// The elements of a comma-separated list header across all its fields
    /// (`Allow`, `Supported`, `Require`, …), trimmed.
    public func listValues(_ name: SIPHeaderName) -> [String] {
        var result: [String] = []
        for e in entries where e.name == name {
            result.append(contentsOf: SIPHeaders.splitList(scanner(e.value)))
        }
        return result
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: SIPHeaderName) -> Bool {
        entries.contains { $0.name == name }
    }

    /// Appends a field.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        entries.append(Entry(name: name, value: .owned(value)))
    }

    /// Inserts a field before every other field of the same name (or at the end).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let i = entries.firstIndex { $0.name == name } ?? entries.endIndex
        entries.insert(Entry(name: name, value: .owned(value)), at: i)
    }

    /// Replaces the fields named `name` with one field holding `value`, at the
    /// place of the first of them (or at the end).
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        replace(name, with: [value])
    }

    /// Replaces the fields named `name` with one field per value, at the
    /// place of the first of them (or at the end).
    public mutating func replace(_ name: SIPHeaderName, with values: [String]) {
        let first = entries.firstIndex { $0.name == name }
        let spelling = first.map { entries[$0].name } ?? name
        entries.removeAll { $0.name == name }
        let at = first.map { Swift.min($0, entries.count) } ?? entries.count
        entries.insert(contentsOf: values.map { Entry(name: spelling, value: .owned($0)) }, at: at)
    }

    public mutating func remove(_ name: SIPHeaderName) {
        entries.removeAll { $0.name == name }
    }

    /// Appends `Name: value CRLF` for every field.
    func write(into out: inout [UInt8]) {
        if let block = verbatimBlock {
            out.append(contentsOf: storage[block])
            return
        }
        for e in entries {
            out.appendUTF8(e.name.spelling)
            out.append(ASCII.colon)
            out.append(ASCII.space)
            switch e.value {
            case .raw(let r): out.append(contentsOf: storage[r])
            case .owned(let s): out.appendUTF8(s)
            }
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
    }

    public static func == (a: SIPHeaders, b: SIPHeaders) -> Bool { a.fields == b.fields }
    public func hash(into h: inout Hasher) { h.combine(fields) }

    /// Splits a header value at commas outside quoted strings and `<>`.
    public static func splitList(_ value: String) -> [String] {
        splitList(ByteScanner(value))
    }

    static func splitList(_ scanner: ByteScanner) -> [String] {
        var s = scanner
        var result: [String] = []
        while !s.atEnd {
            let end = s.find(ASCII.comma) ?? s.end
            var a = s.index, b = end
            while a < b, ASCII.isWhitespace(s.bytes[a]) { a += 1 }
            while b > a, ASCII.isWhitespace(s.bytes[b - 1]) { b -= 1 }
            if b > a { result.append(s.string(a..<b)) }
            s.index = end + 1
        }
        return result
    }
}
