/// A sentence reduced to the characters that carry meaning, with the way back to the original.
///
/// Full-width forms are folded to half-width, ASCII letters to lower case, common traditional
/// characters to simplified, and punctuation and spaces are removed. Clause punctuation
/// (，。！？；…) is remembered as clause numbers so that a negation never reaches across a clause.
public struct NormalizedText: Sendable {
    /// The folded characters, punctuation and spaces removed.
    public let scalars: [UInt32]
    /// For each folded character, the index of the Unicode scalar it came from in `source`.
    public let sourceIndex: [Int32]
    /// For each folded character, the number of the clause it belongs to.
    public let clause: [UInt16]
    /// The original text.
    public let source: String
    /// Number of `!`/`！` and repeated `?` marks: a cue for intensity.
    public let exclamations: Int

    /// The original text between two folded positions (end exclusive), punctuation inside included.
    public func originalText(from start: Int, to end: Int) -> String {
        guard start < end, start >= 0, end <= scalars.count else { return "" }
        let lower = Int(sourceIndex[start])
        let upper = Int(sourceIndex[end - 1]) + 1
        let view = source.unicodeScalars
        let from = view.index(view.startIndex, offsetBy: lower)
        let to = view.index(from, offsetBy: upper - lower)
        return String(view[from..<to])
    }

    /// The folded text as a `String`.
    public var folded: String {
        var view = String.UnicodeScalarView()
        for value in scalars { if let scalar = Unicode.Scalar(value) { view.append(scalar) } }
        return String(view)
    }

    /// Number of meaningful characters (what speaking rate counts).
    public var count: Int { scalars.count }
}

/// Folds text for matching. Stateless; all tables are built once.
public enum TextNormalizer {
    /// Normalizes a sentence.
    public static func normalize(_ text: String) -> NormalizedText {
        var scalars: [UInt32] = []
        var sourceIndex: [Int32] = []
        var clause: [UInt16] = []
        let capacity = text.utf8.count
        scalars.reserveCapacity(capacity)
        sourceIndex.reserveCapacity(capacity)
        clause.reserveCapacity(capacity)
        var clauseNumber: UInt16 = 0
        var exclamations = 0
        var previousQuestion = false
        var index: Int32 = 0
        TraditionalChinese.flat.withUnsafeBufferPointer { simplified in
            for scalar in text.unicodeScalars {
                defer { index += 1 }
                var value = scalar.value
                // Common case first: a CJK ideograph is kept, folded to simplified.
                if value >= 0x4E00 && value <= 0x9FFF {
                    let folded = simplified[Int(value) - 0x4E00]
                    if folded != 0 { value = UInt32(folded) }
                    scalars.append(value)
                    sourceIndex.append(index)
                    clause.append(clauseNumber)
                    previousQuestion = false
                    continue
                }
                value = fold(value)
                switch classify(value) {
                case .keep:
                    scalars.append(value)
                    sourceIndex.append(index)
                    clause.append(clauseNumber)
                    previousQuestion = false
                case .clauseBreak:
                    if value == 0x21 { exclamations += 1 }
                    if value == 0x3F { if previousQuestion { exclamations += 1 }; previousQuestion = true } else { previousQuestion = false }
                    if clauseNumber < UInt16.max { clauseNumber += 1 }
                case .drop:
                    break
                }
            }
        }
        return NormalizedText(scalars: scalars, sourceIndex: sourceIndex, clause: clause,
                              source: text, exclamations: exclamations)
    }

    /// Folds a phrase the way text is folded, for building patterns.
    public static func foldPhrase(_ phrase: String) -> [UInt32] {
        normalize(phrase).scalars
    }

    enum Class { case keep, drop, clauseBreak }

    /// Full-width to half-width, upper to lower case, traditional to simplified.
    @inline(__always)
    static func fold(_ value: UInt32) -> UInt32 {
        if value < 0x80 {
            if value >= 0x41 && value <= 0x5A { return value + 0x20 }
            return value
        }
        if value >= 0xFF01 && value <= 0xFF5E {
            let half = value - 0xFEE0
            if half >= 0x41 && half <= 0x5A { return half + 0x20 }
            return half
        }
        if value == 0x3000 { return 0x20 }
        if value >= 0x4E00 && value <= 0x9FFF {
            let simplified = TraditionalChinese.flat[Int(value) - 0x4E00]
            return simplified == 0 ? value : UInt32(simplified)
        }
        return value
    }

    @inline(__always)
    static func classify(_ value: UInt32) -> Class {
        if value >= 0x4E00 && value <= 0x9FFF { return .keep }
        if value < 0x80 {
            switch value {
            case 0x30...0x39, 0x61...0x7A: return .keep
            case 0x2C, 0x2E, 0x21, 0x3F, 0x3B, 0x3A, 0x0A, 0x0D: return .clauseBreak
            default: return .drop
            }
        }
        switch value {
        case 0x3002, 0xFF61, 0x2026, 0xFE52, 0xFE54, 0xFE56, 0xFE57, 0x203C, 0x2047, 0x2048, 0x2049:
            return .clauseBreak // 。｡… and small/double forms
        case 0x3001: return .drop // 、 enumerates, it does not end a clause
        case 0x3000...0x303F, 0x2000...0x206F, 0xFE30...0xFE4F, 0xFE50...0xFE6F, 0xFF5F...0xFF65, 0x00A0...0x00BF, 0x02C0...0x02FF:
            return .drop
        default:
            guard let scalar = Unicode.Scalar(value) else { return .drop }
            let properties = scalar.properties
            if properties.isWhitespace { return .drop }
            switch properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation, .control, .format,
                 .nonspacingMark, .enclosingMark, .spaceSeparator, .lineSeparator, .paragraphSeparator:
                return .drop
            default:
                return .keep
            }
        }
    }
}
