import Foundation
import Yams

/// A Chinese customer-service sentiment lexicon: scored words, degree words and negators.
///
/// Scores run from −5 (abuse, fury) to +5 (delight). Degree words multiply the word that follows
/// (非常 ×1.8, 有点 ×0.6); a negator right before a word turns it around (不满意, 不太好).
/// When two entries overlap, the longer wins, so `麻烦您` (polite, 0) hides `麻烦` (−1).
public struct SentimentLexicon: Sendable {
    public var name: String
    public var terms: [(phrase: String, score: Double)]
    public var degrees: [(phrase: String, multiplier: Double)]
    public var negators: [String]

    public init(name: String, terms: [(phrase: String, score: Double)], degrees: [(phrase: String, multiplier: Double)], negators: [String]) {
        self.name = name
        self.terms = terms
        self.degrees = degrees
        self.negators = negators
    }

    /// The lexicon carried inside the binary.
    public static let standard: SentimentLexicon = {
        // The embedded text is checked by the test suite, so parsing cannot fail here.
        try! parse(yaml: DefaultLexicon.yaml, file: "default-lexicon.yaml")
    }()

    /// Reads a lexicon from YAML: `terms:` (phrase: score), `degrees:` (phrase: multiplier), `negators:` (list).
    public static func parse(yaml: String, file: String = "<lexicon>") throws -> SentimentLexicon {
        func fail(_ node: Node?, _ message: String) -> RulePackError {
            RulePackError(file: file, line: node?.mark?.line, message: message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch { throw fail(nil, "not valid YAML: \(error)") }
        guard let root, let map = root.mapping else { throw fail(root, "expected a mapping with `terms:`") }
        func pairs(_ key: String, range: ClosedRange<Double>) throws -> [(String, Double)] {
            guard let node = map[Node(key)] else { return [] }
            guard let entries = node.mapping else { throw fail(node, "`\(key):` must map phrases to numbers") }
            return try entries.map { entry in
                guard let phrase = entry.key.string, !TextNormalizer.foldPhrase(phrase).isEmpty else { throw fail(entry.key, "expected a phrase") }
                guard let value = entry.value.float ?? entry.value.int.map(Double.init), range.contains(value) else {
                    throw fail(entry.value, "`\(phrase)` needs a number between \(range.lowerBound) and \(range.upperBound)")
                }
                return (phrase, value)
            }
        }
        let terms = try pairs("terms", range: -5...5)
        guard !terms.isEmpty else { throw fail(root, "`terms:` is missing or empty") }
        let negators = try map[Node("negators")].map { node -> [String] in
            guard let items = node.sequence else { throw fail(node, "`negators:` must be a list") }
            return items.compactMap(\.string)
        } ?? []
        return SentimentLexicon(
            name: map[Node("name")]?.string ?? "lexicon",
            terms: terms.map { (phrase: $0.0, score: $0.1) },
            degrees: try pairs("degrees", range: 0...5).map { (phrase: $0.0, multiplier: $0.1) },
            negators: negators)
    }

    /// Reads a lexicon file.
    public static func load(contentsOf url: URL) throws -> SentimentLexicon {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RulePackError(file: url.path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: url.path)
    }
}
