/// Byte classes of the RFC 3261 grammar (§25.1), as lookup tables.
///
/// Every parser in this module classifies bytes through these tables: one
/// load and one bit test per byte, with no branching on ranges.
@usableFromInline
enum CharacterClasses {
    @usableFromInline static let token: UInt8 = 1 << 0
    /// `unreserved` plus the characters a SIP URI user part may carry unescaped.
    @usableFromInline static let userChar: UInt8 = 1 << 1
    @usableFromInline static let hostChar: UInt8 = 1 << 2
    /// `paramchar`: unreserved / param-unreserved / escaped ('%').
    @usableFromInline static let paramChar: UInt8 = 1 << 3
    /// `hnv-unreserved` / unreserved / escaped, for URI headers.
    @usableFromInline static let headerChar: UInt8 = 1 << 4
    @usableFromInline static let digit: UInt8 = 1 << 5
    /// `word` of Call-ID (token plus separators allowed there).
    @usableFromInline static let word: UInt8 = 1 << 6
    /// The bytes of a host name or IPv4 address: letters, digits, `-`, `.`, `_`.
    @usableFromInline static let hostname: UInt8 = 1 << 7

    @usableFromInline static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        func mark(_ chars: String, _ flag: UInt8) {
            for b in chars.utf8 { t[Int(b)] |= flag }
        }
        let alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        let digits = "0123456789"
        let mark_ = "-_.!~*'()"
        mark(alpha + digits + "-.!%*_+`'~", token)
        mark(alpha + digits + mark_ + "%&=+$,;?/", userChar)
        mark(alpha + digits + "-.:[]", hostChar)
        mark(alpha + digits + mark_ + "%[]/:&+$", paramChar)
        mark(alpha + digits + mark_ + "%[]/?:+$", headerChar)
        mark(digits, digit)
        mark(alpha + digits + "-.!%*_+`'~()<>:\\\"/[]?{}", word)
        mark(alpha + digits + "-._", hostname)
        return t
    }()

    /// The same table at a fixed address for the life of the process, so
    /// scanners hold it without reference counting.
    @usableFromInline nonisolated(unsafe) static let pointer: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        p.initialize(from: table, count: 256)
        return UnsafePointer(p)
    }()

    @inlinable @inline(__always)
    static func isToken(_ b: UInt8) -> Bool { table[Int(b)] & token != 0 }
    @inlinable @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inlinable @inline(__always)
    static func `is`(_ b: UInt8, _ flag: UInt8) -> Bool { table[Int(b)] & flag != 0 }
}

/// ASCII bytes used by the parsers.
@usableFromInline
enum ASCII {
    @usableFromInline static let cr: UInt8 = 13
    @usableFromInline static let lf: UInt8 = 10
    @usableFromInline static let space: UInt8 = 32
    @usableFromInline static let tab: UInt8 = 9
    @usableFromInline static let colon: UInt8 = 58
    @usableFromInline static let semicolon: UInt8 = 59
    @usableFromInline static let comma: UInt8 = 44
    @usableFromInline static let equals: UInt8 = 61
    @usableFromInline static let quote: UInt8 = 34
    @usableFromInline static let backslash: UInt8 = 92
    @usableFromInline static let lessThan: UInt8 = 60
    @usableFromInline static let greaterThan: UInt8 = 62
    @usableFromInline static let at: UInt8 = 64
    @usableFromInline static let slash: UInt8 = 47
    @usableFromInline static let question: UInt8 = 63
    @usableFromInline static let leftBracket: UInt8 = 91
    @usableFromInline static let rightBracket: UInt8 = 93
    @usableFromInline static let percent: UInt8 = 37

    @inlinable @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab }

    @inlinable @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b &- 65 < 26) ? b | 0x20 : b }
}

extension String {
    /// ASCII case-insensitive comparison, as SIP compares tokens.
    @inlinable
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in
                for k in 0..<x.count where ASCII.lower(x[k]) != ASCII.lower(y[k]) { return false }
                return true
            }
        }
        if let fast, let fast { return fast }
        for (x, y) in zip(a, b) where ASCII.lower(x) != ASCII.lower(y) { return false }
        return true
    }

    /// The string with ASCII letters lowered (SIP tokens are ASCII).
    var asciiLowercased: String {
        var needs = false
        for b in utf8 where b &- 65 < 26 { needs = true; break }
        guard needs else { return self }
        return String(decoding: utf8.map { ASCII.lower($0) }, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Appends a string's UTF-8 (a contiguous copy, not element by element).
    @inline(__always)
    mutating func appendUTF8(_ string: String) {
        var s = string
        s.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends a non-negative integer in decimal (as `String(n)` writes it), any integer otherwise.
    mutating func appendDecimal(_ n: Int) {
        guard n >= 0 else { appendUTF8(String(n)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        Swift.withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            append(contentsOf: d[(20 - count)...])
        }
    }
}
