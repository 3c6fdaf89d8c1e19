/// A condition with its phrase lists resolved to leaves of the shared phrase index.
indirect enum CompiledCondition: Sendable {
    case keywords(leaf: Int)
    case regex(pattern: CompiledRegex, exclude: CompiledRegex?, scope: Scope)
    case proximity(first: Int, second: Int, withinSeconds: Double?, withinTurns: Int?, ordered: Bool)
    case silence(SilenceCondition)
    case overtalk(OvertalkCondition)
    case speakingRate(SpeakingRateCondition)
    case emotion(EmotionCondition)
    case all([CompiledCondition])
    case any([CompiledCondition])
    case not(CompiledCondition)

    /// Whether the condition looks at words; such rules are not judged on a call without a transcript.
    var needsWords: Bool {
        switch self {
        case .keywords, .regex, .proximity, .speakingRate: return true
        case .silence, .overtalk, .emotion: return false
        case .all(let parts), .any(let parts): return parts.contains { $0.needsWords }
        case .not(let inner): return inner.needsWords
        }
    }

    /// The scope of the first keyword leaf, used to place evidence for a rule that fires
    /// because something is absent (a missing greeting has no words to point at).
    func absenceScope(leaves: [KeywordCondition]) -> Scope? {
        switch self {
        case .keywords(let leaf): return leaves[leaf].scope
        case .regex(_, _, let scope): return scope
        case .proximity(let first, _, _, _, _): return leaves[first].scope
        case .silence, .overtalk, .speakingRate, .emotion: return nil
        case .all(let parts), .any(let parts): return parts.lazy.compactMap { $0.absenceScope(leaves: leaves) }.first
        case .not(let inner): return inner.absenceScope(leaves: leaves)
        }
    }
}

/// Turns rules into compiled conditions and collects their phrase lists.
struct RuleCompiler {
    var leaves: [KeywordCondition] = []

    mutating func compile(_ condition: Condition) throws -> CompiledCondition {
        switch condition {
        case .keywords(let keywords):
            leaves.append(keywords)
            return .keywords(leaf: leaves.count - 1)
        case .regex(let regex):
            return .regex(pattern: try CompiledRegex(regex.pattern), exclude: try regex.exclude.map(CompiledRegex.init), scope: regex.scope)
        case .proximity(let proximity):
            leaves.append(proximity.first)
            leaves.append(proximity.second)
            return .proximity(first: leaves.count - 2, second: leaves.count - 1, withinSeconds: proximity.withinSeconds,
                              withinTurns: proximity.withinTurns, ordered: proximity.ordered)
        case .silence(let value): return .silence(value)
        case .overtalk(let value): return .overtalk(value)
        case .speakingRate(let value): return .speakingRate(value)
        case .emotion(let value): return .emotion(value)
        case .all(let parts): return .all(try parts.map { try compile($0) })
        case .any(let parts): return .any(try parts.map { try compile($0) })
        case .not(let inner): return .not(try compile(inner))
        }
    }
}
