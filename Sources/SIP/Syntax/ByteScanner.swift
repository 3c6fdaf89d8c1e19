/// A cursor over the bytes of one header value or start line.
///
/// Header values reach it already unfolded (line folding replaced by a single
/// space), so linear white space here is only SP and HTAB.
@usableFromInline
struct ByteScanner {
    @usableFromInline let bytes: [UInt8]
    @usableFromInline var index: Int
    @usableFromInline let end: Int
    /// The character class table, fetched once per scanner (256 entries).
    @usableFromInline let classes: UnsafePointer<UInt8>

    @inlinable
    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.index = start
        self.end = end ?? bytes.count
        self.classes = CharacterClasses.pointer
    }

    @inlinable
    init(_ string: String) {
        self.init(Array(string.utf8))
    }

    @inlinable var atEnd: Bool { index >= end }

    @inlinable var peek: UInt8? { index < end ? bytes[index] : nil }

    @inlinable
    mutating func skipWhitespace() {
        while index < end, ASCII.isWhitespace(bytes[index]) { index += 1 }
    }

    /// Consumes `byte` (after optional white space on both sides, the SIP
    /// separators `SEMI`, `COMMA`, `EQUAL`, `SLASH`, `COLON`).
    @inlinable
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let saved = index
        skipWhitespace()
        if index < end, bytes[index] == byte {
            index += 1
            skipWhitespace()
            return true
        }
        index = saved
        return false
    }

    @inlinable
    mutating func consume(_ byte: UInt8) -> Bool {
        if index < end, bytes[index] == byte { index += 1; return true }
        return false
    }

    /// Consumes a run of bytes in class `flag`; returns its range (maybe empty).
    @inlinable
    mutating func scan(_ flag: UInt8) -> Range<Int> {
        let start = index
        while index < end, classes[Int(bytes[index])] & flag != 0 { index += 1 }
        return start..<index
    }

    @inlinable
    mutating func token() -> Range<Int>? {
        let r = scan(CharacterClasses.token)
        return r.isEmpty ? nil : r
    }

    @inlinable
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whether `name`/`version` spell SIP/2.0.
    func isSIP20(_ name: Range<Int>, _ version: Range<Int>) -> Bool {
        name.count == 3 && version.count == 3
            && ASCII.lower(bytes[name.lowerBound]) == 115 && ASCII.lower(bytes[name.lowerBound + 1]) == 105
            && ASCII.lower(bytes[name.lowerBound + 2]) == 112
            && bytes[version.lowerBound] == 50 && bytes[version.lowerBound + 1] == 46 && bytes[version.lowerBound + 2] == 48
    }

    /// A token uppercased; the common transports without a new string.
    func upperToken(_ r: Range<Int>) -> String {
        if r.count == 3 {
            let a = ASCII.lower(bytes[r.lowerBound]), b = ASCII.lower(bytes[r.lowerBound + 1]), c = ASCII.lower(bytes[r.lowerBound + 2])
            if a == 117 && b == 100 && c == 112 { return "UDP" }
            if a == 116 && b == 99 && c == 112 { return "TCP" }
            if a == 116 && b == 108 && c == 115 { return "TLS" }
        }
        return string(r).uppercased()
    }

    /// Consumes a quoted-string (with its quotes) and returns its range.
    /// quoted-pair may escape any byte but CR and LF.
    @inlinable
    mutating func quotedString() throws(SIPSyntaxError) -> Range<Int> {
        let start = index
        guard consume(ASCII.quote) else { throw .expected("quoted string") }
        while index < end {
            let b = bytes[index]
            if b == ASCII.quote { index += 1; return start..<index }
            if b == ASCII.backslash {
                index += 1
                guard index < end, bytes[index] != ASCII.cr, bytes[index] != ASCII.lf else { break }
            }
            index += 1
        }
        throw .unterminatedQuote
    }

    /// Parses an unsigned decimal number of at most `maxDigits` digits.
    @inlinable
    mutating func number(maxDigits: Int = 10) -> UInt64? {
        var value: UInt64 = 0
        let start = index
        while index < end, CharacterClasses.isDigit(bytes[index]) {
            if index - start >= maxDigits { return nil }
            value = value * 10 + UInt64(bytes[index] &- 0x30)
            index += 1
        }
        return index == start ? nil : value
    }

    /// Parses a comma-separated list of elements filling a whole header value.
    static func parseList<T>(
        _ value: String, of what: String, _ element: (inout ByteScanner) throws(SIPSyntaxError) -> T
    ) throws(SIPSyntaxError) -> [T] {
        try parseList(ByteScanner(value), of: what, element)
    }

    /// Parses a comma-separated list of elements filling the scanner's range.
    static func parseList<T>(
        _ scanner: ByteScanner, of what: String, _ element: (inout ByteScanner) throws(SIPSyntaxError) -> T
    ) throws(SIPSyntaxError) -> [T] {
        var result: [T] = []
        try parseList(scanner, of: what, into: &result, element)
        return result
    }

    /// Parses a comma-separated list filling the scanner's range, appending
    /// each element to `result` (no list of its own).
    static func parseList<T>(
        _ scanner: ByteScanner, of what: String, into result: inout [T],
        _ element: (inout ByteScanner) throws(SIPSyntaxError) -> T
    ) throws(SIPSyntaxError) {
        var s = scanner
        repeat {
            s.skipWhitespace()
            result.append(try element(&s))
        } while s.consumeSeparator(ASCII.comma)
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters(what) }
    }

    /// Finds `byte` outside quoted strings and angle brackets, from the cursor.
    @inlinable
    func find(_ byte: UInt8, outsideQuotes: Bool = true) -> Int? {
        var i = index
        var inQuote = false
        var angle = 0
        while i < end {
            let b = bytes[i]
            if inQuote {
                if b == ASCII.backslash { i += 2; continue }
                if b == ASCII.quote { inQuote = false }
            } else if b == byte && angle == 0 {
                return i
            } else if outsideQuotes && b == ASCII.quote {
                inQuote = true
            } else if b == ASCII.lessThan {
                angle += 1
            } else if b == ASCII.greaterThan && angle > 0 {
                angle -= 1
            }
            i += 1
        }
        return nil
    }
}

/// Why a piece of SIP syntax could not be parsed.
public enum SIPSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    case expected(String)
    case unterminatedQuote
    case trailingCharacters(String)
    case outOfRange(String)
    case duplicate

    public var description: String {
        switch self {
        case .expected(let what): return "expected \(what)"
        case .unterminatedQuote: return "unterminated quoted string"
        case .trailingCharacters(let what): return "unexpected characters after \(what)"
        case .outOfRange(let what): return "\(what) out of range"
        case .duplicate: return "more than one of a single-valued header"
        }
    }
}
