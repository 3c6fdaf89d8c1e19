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

    /// One field: its name and value as byte ranges of ``storage`` (the
    /// received bytes) or of ``extra`` (names and values set since). Plain
    /// offsets, so the list of fields holds no references.
    struct Entry: Sendable {
        /// The well-known name's number, for comparing without strings.
        var id: SIPHeaderName.KnownHeader
        /// The name's bytes are in ``extra`` rather than ``storage``.
        var ownName: Bool
        /// The value's bytes are in ``extra`` rather than ``storage``.
        var ownValue: Bool
        var nameLo: UInt32
        var nameHi: UInt32
        var valueLo: UInt32
        var valueHi: UInt32

        init(id: SIPHeaderName.KnownHeader, ownName: Bool, name: Range<Int>, ownValue: Bool, value: Range<Int>) {
            self.id = id
            self.ownName = ownName
            self.ownValue = ownValue
            nameLo = UInt32(truncatingIfNeeded: name.lowerBound)
            nameHi = UInt32(truncatingIfNeeded: name.upperBound)
            valueLo = UInt32(truncatingIfNeeded: value.lowerBound)
            valueHi = UInt32(truncatingIfNeeded: value.upperBound)
        }

        @inline(__always) var nameRange: Range<Int> { Int(nameLo)..<Int(nameHi) }
        @inline(__always) var valueRange: Range<Int> { Int(valueLo)..<Int(valueHi) }
    }

    /// The received bytes that parsed names and values point into.
    var storage: [UInt8]
    /// The bytes of names and values added or changed since parsing (or of
    /// every field of built headers). Replaced fields leave their bytes here.
    var extra: [UInt8]
    var entries: [Entry] {
        didSet { verbatimBlock = nil }
    }
    /// For fields unchanged since parsing that were written as the
    /// serializer writes them (`Name: value CRLF`): their bytes, in one piece.
    var verbatimBlock: Range<Int>?

    public init() {
        storage = []
        extra = []
        entries = []
    }

    public init(_ fields: [Field]) {
        storage = []
        extra = []
        entries = []
        entries.reserveCapacity(fields.count)
        for f in fields { entries.append(ownEntry(f.name, f.value)) }
    }

    init(storage: [UInt8], extra: [UInt8] = [], entries: [Entry]) {
        self.storage = storage
        self.extra = extra
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { Field(name: SIPHeaderName($0.0), value: $0.1) })
    }

    public var count: Int { entries.count }

    /// Every field, with its value as a string.
    public var fields: [Field] { entries.map { Field(name: name($0), value: string($0)) } }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The name of a field (a shared instance for a well-known spelling).
    func name(_ e: Entry) -> SIPHeaderName {
        SIPHeaderName.lookup(e.ownName ? extra : storage, e.nameRange)
    }

    /// The value of a field as a string.
    @inline(__always)
    func string(_ e: Entry) -> String {
        String(decoding: (e.ownValue ? extra : storage)[e.valueRange], as: UTF8.self)
    }

    /// A scanner over a value, without copying its bytes.
    func scanner(_ e: Entry) -> ByteScanner {
        ByteScanner(e.ownValue ? extra : storage, from: Int(e.valueLo), to: Int(e.valueHi))
    }

    /// Whether the field is named `name`.
    @inline(__always)
    func matches(_ e: Entry, _ name: SIPHeaderName) -> Bool {
        if e.id != .other || name.id != .other { return e.id == name.id }
        return otherNameMatches(e, name)
    }

    /// Two names neither of which is well known: their canonical forms equal.
    func otherNameMatches(_ e: Entry, _ name: SIPHeaderName) -> Bool {
        let bytes = e.ownName ? extra : storage
        let r = e.nameRange
        if r.count > 1 {
            // Longer than a compact form: the canonical form is the spelling
            // with ASCII letters lowered, compared here without a new string.
            var i = r.lowerBound
            for c in name.canonical.utf8 {
                guard i < r.upperBound else { return false }
                let b = bytes[i]
                // Beyond ASCII, strings compare as strings.
                if b >= 0x80 || c >= 0x80 { return self.name(e).canonical == name.canonical }
                if ASCII.lower(b) != c { return false }
                i += 1
            }
            return i == r.upperBound
        }
        return self.name(e).canonical == name.canonical
    }

    /// A field of its own bytes, appended to ``extra``.
    mutating func ownEntry(_ name: SIPHeaderName, _ value: String) -> Entry {
        let nameStart = extra.count
        extra.append(contentsOf: name.spelling.utf8)
        let valueStart = extra.count
        extra.append(contentsOf: value.utf8)
        return Entry(id: name.id, ownName: true, name: nameStart..<valueStart, ownValue: true, value: valueStart..<extra.count)
    }

    /// The value of the first field named `name`.
    public subscript(name: SIPHeaderName) -> String? {
        for e in entries where matches(e, name) { return string(e) }
        return nil
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? { self[SIPHeaderName(name)] }

    /// The values of every field named `name`, one per field.
    public func fieldValues(_ name: SIPHeaderName) -> [String] {
        entries.compactMap { matches($0, name) ? string($0) : nil }
    }

    /// The elements of a comma-separated list header across all its fields
    /// (`Allow`, `Supported`, `Require`, …), trimmed.
    public func listValues(_ name: SIPHeaderName) -> [String] {
        var result: [String] = []
        for e in entries where matches(e, name) {
            result.append(contentsOf: SIPHeaders.splitList(scanner(e)))
        }
        return result
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: SIPHeaderName) -> Bool {
        entries.contains { matches($0, name) }
    }

    /// Appends a field.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        let e = ownEntry(name, value)
        entries.append(e)
    }

    /// Inserts a field before every other field of the same name (or at the end).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let i = entries.firstIndex { matches($0, name) } ?? entries.endIndex
        let e = ownEntry(name, value)
        entries.insert(e, at: i)
    }

    /// Replaces the fields named `name` with one field holding `value`, at the
    /// place of the first of them (or at the end).
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        replace(name, with: [value])
    }

    /// Replaces the fields named `name` with one field per value, at the
    /// place of the first of them (or at the end).
    public mutating func replace(_ name: SIPHeaderName, with values: [String]) {
        let first = entries.firstIndex { matches($0, name) }
        // The new fields keep the spelling of the first field replaced.
        let spelling = first.map { self.name(entries[$0]) } ?? name
        var replacement: [Entry] = []
        replacement.reserveCapacity(values.count)
        for v in values { replacement.append(ownEntry(spelling, v)) }
        let kept = entries.filter { !matches($0, name) }
        entries = kept
        let at = first.map { Swift.min($0, entries.count) } ?? entries.count
        entries.insert(contentsOf: replacement, at: at)
    }

    public mutating func remove(_ name: SIPHeaderName) {
        let kept = entries.filter { !matches($0, name) }
        entries = kept
    }

    /// Appends `Name: value CRLF` for every field.
    func write(into out: inout [UInt8]) {
        if let block = verbatimBlock {
            out.append(contentsOf: storage[block])
            return
        }
        for e in entries {
            out.append(contentsOf: (e.ownName ? extra : storage)[e.nameRange])
            out.append(ASCII.colon)
            out.append(ASCII.space)
            out.append(contentsOf: (e.ownValue ? extra : storage)[e.valueRange])
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
