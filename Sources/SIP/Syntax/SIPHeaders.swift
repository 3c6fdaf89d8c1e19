/// The header fields of a message, in order, as name and value.
///
/// Values are kept as received, with line folding replaced by a single space
/// and surrounding white space trimmed. Repeated fields stay separate, so a
/// message re-serializes as it came.
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

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [Field]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: SIPHeaderName($0.0), value: $0.1) }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The value of the first field named `name`.
    public subscript(name: SIPHeaderName) -> String? {
        for f in fields where f.name == name { return f.value }
        return nil
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? { self[SIPHeaderName(name)] }

    /// The values of every field named `name`, one per field.
    public func fieldValues(_ name: SIPHeaderName) -> [String] {
        fields.lazy.filter { $0.name == name }.map(\.value)
    }

    /// The elements of a comma-separated list header across all its fields
    /// (`Allow`, `Supported`, `Require`, …), trimmed.
    public func listValues(_ name: SIPHeaderName) -> [String] {
        var result: [String] = []
        for f in fields where f.name == name {
            result.append(contentsOf: SIPHeaders.splitList(f.value))
        }
        return result
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: SIPHeaderName) -> Bool {
        fields.contains { $0.name == name }
    }

    /// Appends a field.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Inserts a field before every other field of the same name (or at the end).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let i = fields.firstIndex { $0.name == name } ?? fields.endIndex
        fields.insert(Field(name: name, value: value), at: i)
    }

    /// Replaces the fields named `name` with one field holding `value`, at the
    /// place of the first of them (or at the end).
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        replace(name, with: [value])
    }

    /// Replaces the fields named `name` with one field per value, at the
    /// place of the first of them (or at the end).
    public mutating func replace(_ name: SIPHeaderName, with values: [String]) {
        let first = fields.firstIndex { $0.name == name }
        let spelling = first.map { fields[$0].name } ?? name
        fields.removeAll { $0.name == name }
        let at = first.map { Swift.min($0, fields.count) } ?? fields.count
        fields.insert(contentsOf: values.map { Field(name: spelling, value: $0) }, at: at)
    }

    public mutating func remove(_ name: SIPHeaderName) {
        fields.removeAll { $0.name == name }
    }

    /// Splits a header value at commas outside quoted strings and `<>`.
    public static func splitList(_ value: String) -> [String] {
        var s = ByteScanner(value)
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
