/// The score of one section of the template for one call.
public struct SectionScore: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Points the section is worth, out of 100.
    public var weight: Double
    /// Points earned, 0…weight.
    public var score: Double
    /// Rules of the section that fired.
    public var rules: [String]
}

/// The score of a call against a template.
public struct Scorecard: Sendable, Equatable {
    public var score: Double
    public var passed: Bool
    public var autoFailed: Bool
    /// Auto-fail rules that fired.
    public var autoFailRules: [String]
    public var sections: [SectionScore]
}

/// Applies a template to the set of rules that fired.
public enum Scorer {
    public static func score(template: ScoringTemplate, rules: [Rule], fired: Set<String>) -> Scorecard {
        let totalWeight = template.sections.reduce(0) { $0 + $1.weight }
        let scale = totalWeight > 0 ? 100 / totalWeight : 0
        let byID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var sections: [SectionScore] = []
        var total = 0.0
        for section in template.sections {
            let weight = section.weight * scale
            let hit = section.rules.filter { fired.contains($0) }
            // Rule points are in the section's own units; scale them with the section.
            let change = hit.reduce(0) { $0 + (byID[$1]?.points ?? 0) } * scale
            let earned = min(weight, max(0, weight + change))
            total += earned
            sections.append(SectionScore(id: section.id, name: section.name, weight: round2(weight), score: round2(earned), rules: hit))
        }
        let autoFail = rules.filter { $0.autoFail && fired.contains($0.id) }.map(\.id)
        let score = autoFail.isEmpty ? round2(total) : 0
        return Scorecard(score: score, passed: autoFail.isEmpty && score >= template.passScore,
                         autoFailed: !autoFail.isEmpty, autoFailRules: autoFail, sections: sections)
    }
}
