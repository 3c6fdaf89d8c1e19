import Foundation

/// Every phrase the inspector looks for — rule keywords, exclusions, negation cues and the
/// sentiment lexicon — in one automaton, so each utterance is read once.
struct PhraseIndex: Sendable {
    enum Payload: Sendable {
        /// A phrase of keyword leaf `leaf`, position `phrase` in its list.
        case phrase(leaf: Int32, phrase: Int32)
        case exclude(leaf: Int32)
        case excludeSentence(leaf: Int32)
        case negationCue
        case adjacentCue
        case negationAfter
        case blocker
        case sentiment(Double)
        case degree(Double)
        case sentimentNegator
    }

    let automaton: AhoCorasick
    /// payloads[payloadStart[p] ..< payloadStart[p + 1]] belong to pattern p.
    let payloadStart: [Int32]
    let payloads: [Payload]

    init(entries: [(phrase: String, payload: Payload)]) {
        var idOf: [[UInt32]: Int] = [:]
        var patterns: [[UInt32]] = []
        var grouped: [[Payload]] = []
        for entry in entries {
            let folded = TextNormalizer.foldPhrase(entry.phrase)
            guard !folded.isEmpty else { continue }
            if let id = idOf[folded] {
                grouped[id].append(entry.payload)
            } else {
                idOf[folded] = patterns.count
                patterns.append(folded)
                grouped.append([entry.payload])
            }
        }
        var starts: [Int32] = []
        var flat: [Payload] = []
        for group in grouped {
            starts.append(Int32(flat.count))
            flat.append(contentsOf: group)
        }
        starts.append(Int32(flat.count))
        automaton = AhoCorasick(patterns: patterns)
        payloadStart = starts
        payloads = flat
    }
}

/// A span of folded characters in one utterance.
struct Span: Sendable, Equatable {
    var start: Int
    var end: Int
    func overlaps(_ other: Span) -> Bool { start < other.end && other.start < end }
    func contains(_ other: Span) -> Bool { start <= other.start && other.end <= end && self != other }
}

/// What one pass over one utterance found.
struct SegmentScan: Sendable {
    struct PhraseHit: Sendable {
        var leaf: Int
        var phrase: Int
        var span: Span
    }
    var text: NormalizedText
    /// Keyword occurrences that survived exclusion and negation, for every leaf.
    var hits: [PhraseHit] = []
    /// −5…+5 from the lexicon; 0 when the utterance carries no opinion.
    var sentiment: Double = 0
    /// Whether some lexicon entry occurred.
    var opinionated = false
}

extension PhraseIndex {
    /// Reads one utterance: finds every phrase, drops excluded and negated keyword occurrences,
    /// and scores sentiment. `negatable[leaf]` says whether negation applies to that leaf.
    func scan(_ text: String, negation: NegationSettings, negatable: [Bool]) -> SegmentScan {
        let normalized = TextNormalizer.normalize(text)
        var raw: [SegmentScan.PhraseHit] = []
        var excludes: [(leaf: Int, span: Span)] = []
        var skippedLeaves: [Int] = []
        var cues: [Span] = []
        var adjacent: [Span] = []
        var after: [Span] = []
        var blockers: [Span] = []
        var sentiments: [(Span, Double)] = []
        var degrees: [(Span, Double)] = []
        var negators: [Span] = []
        let scalars = normalized.scalars
        automaton.scan(scalars) { match in
            // A phrase that starts or ends with a Latin letter or digit must not cut a longer
            // token: 12345 is not inside the phone number 13912345678.
            if isWordCharacter(scalars[match.start]) && match.start > 0 && isWordCharacter(scalars[match.start - 1]) { return }
            if isWordCharacter(scalars[match.end - 1]) && match.end < scalars.count && isWordCharacter(scalars[match.end]) { return }
            let span = Span(start: match.start, end: match.end)
            for index in Int(payloadStart[match.pattern])..<Int(payloadStart[match.pattern + 1]) {
                switch payloads[index] {
                case .phrase(let leaf, let phrase): raw.append(.init(leaf: Int(leaf), phrase: Int(phrase), span: span))
                case .exclude(let leaf): excludes.append((Int(leaf), span))
                case .excludeSentence(let leaf): skippedLeaves.append(Int(leaf))
                case .negationCue: cues.append(span)
                case .adjacentCue: adjacent.append(span)
                case .negationAfter: after.append(span)
                case .blocker: blockers.append(span)
                case .sentiment(let score): sentiments.append((span, score))
                case .degree(let factor): degrees.append((span, factor))
                case .sentimentNegator: negators.append(span)
                }
            }
        }
        var result = SegmentScan(text: normalized)
        let clause = normalized.clause
        func sameClause(_ a: Span, _ b: Span) -> Bool {
            clause[a.start] == clause[b.start] && clause[a.end - 1] == clause[b.end - 1]
        }
        func negated(_ span: Span) -> Bool {
            var cueStart: Int?
            for cue in cues where cue.end <= span.start && span.start - cue.end <= negation.window && sameClause(cue, span) {
                cueStart = min(cueStart ?? cue.start, cue.start)
            }
            for cue in adjacent where cue.end == span.start && sameClause(cue, span) {
                cueStart = min(cueStart ?? cue.start, cue.start)
            }
            if let cueStart {
                let blocked = blockers.contains { blocker in
                    blocker.start <= cueStart && blocker.end >= cueStart && blocker.end <= span.start
                        && clause[blocker.start] == clause[span.start]
                } || blockers.contains { blocker in
                    blocker.end <= cueStart && clause[blocker.start] == clause[span.start]
                }
                if !blocked { return true }
            }
            return after.contains { $0.start >= span.end && $0.start - span.end <= negation.window && sameClause($0, span) }
        }
        for hit in raw {
            if excludes.contains(where: { $0.leaf == hit.leaf && $0.span.overlaps(hit.span) }) { continue }
            if skippedLeaves.contains(hit.leaf) { continue }
            if negatable[hit.leaf] && negated(hit.span) { continue }
            result.hits.append(hit)
        }
        // Sentiment: the longest entry wins where entries overlap.
        if !sentiments.isEmpty {
            let kept = sentiments.filter { candidate in
                !sentiments.contains { other in
                    other.0 != candidate.0 && other.0.overlaps(candidate.0)
                        && (other.0.end - other.0.start > candidate.0.end - candidate.0.start
                            || (other.0.end - other.0.start == candidate.0.end - candidate.0.start && other.0.start < candidate.0.start))
                }
            }
            var total = 0.0
            for (span, base) in kept {
                var value = base
                // The nearest degree word ending at most 2 characters before.
                var degreeStart = span.start
                let usable = degrees.filter { candidate in
                    candidate.0.end <= span.start && span.start - candidate.0.end <= 2 && sameClause(candidate.0, span)
                        && !kept.contains { k in k.0.overlaps(candidate.0) } && !negators.contains { n in n.overlaps(candidate.0) }
                }
                if let degree = usable.max(by: { $0.0.end < $1.0.end }) {
                    value *= degree.1
                    degreeStart = degree.0.start
                }
                let flipped = negators.contains { negator in
                    negator.end <= degreeStart && degreeStart - negator.end <= 1 && sameClause(negator, span)
                        && !kept.contains(where: { $0.0.overlaps(negator) })
                }
                if flipped { value = value > 0 ? -0.7 * value : -0.3 * value }
                total += value
            }
            let intensity = 1 + 0.15 * Double(min(normalized.exclamations, 3))
            result.sentiment = 5 * tanh(total * intensity / 4)
            result.opinionated = true
        }
        return result
    }
}

@inline(__always)
func isWordCharacter(_ value: UInt32) -> Bool {
    (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A)
}
