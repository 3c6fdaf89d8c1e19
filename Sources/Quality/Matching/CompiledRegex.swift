import Foundation

/// A regular expression compiled once and shared across threads.
///
/// `NSRegularExpression` is immutable after creation and documented as safe to use from
/// several threads at once.
final class CompiledRegex: @unchecked Sendable {
    let expression: NSRegularExpression

    init(_ pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    /// Ranges, in Unicode scalars of `scalars`, of every match in the text.
    func matches(in scalars: [UInt32]) -> [Range<Int>] {
        var view = String.UnicodeScalarView()
        for value in scalars { if let scalar = Unicode.Scalar(value) { view.append(scalar) } }
        let text = String(view)
        let whole = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.matches(in: text, options: [], range: whole).compactMap { result in
            guard let range = Range(result.range, in: text) else { return nil }
            let lower = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
            let length = text.unicodeScalars.distance(from: range.lowerBound, to: range.upperBound)
            return lower..<(lower + length)
        }
    }

    func firstMatch(in scalars: [UInt32]) -> Bool { !matches(in: scalars).isEmpty }
}
