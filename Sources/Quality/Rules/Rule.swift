/// How serious a finding is.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, minor, major, critical

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One quality rule: a condition over the call, and what it costs when it holds.
public struct Rule: Sendable {
    /// Stable identifier, e.g. `complaint_risk`. Hits and scores refer to it.
    public var id: String
    /// Short human name, e.g. `投诉风险`.
    public var name: String
    /// What the rule checks, for reviewers and documentation.
    public var description: String
    public var severity: Severity
    /// Points added to (positive) or deducted from (negative) the section score when the rule fires.
    public var points: Double
    /// When true, a call on which this rule fires fails whatever its score.
    public var autoFail: Bool
    /// The condition that makes the rule fire.
    public var condition: Condition
    /// The line of the rule in its YAML file, for messages.
    public var line: Int?

    public init(id: String, name: String? = nil, description: String = "", severity: Severity = .minor,
                points: Double = 0, autoFail: Bool = false, condition: Condition, line: Int? = nil) {
        self.id = id
        self.name = name ?? id
        self.description = description
        self.severity = severity
        self.points = points
        self.autoFail = autoFail
        self.condition = condition
        self.line = line
    }
}

/// Which part of the call a condition looks at.
public struct Scope: Sendable, Equatable {
    /// Only utterances of this speaker; any speaker when nil.
    public var speaker: Speaker?
    /// Only utterances that start within the first N seconds of the call.
    public var firstSeconds: Double?
    /// Only utterances that end within the last N seconds of the call.
    public var lastSeconds: Double?
    /// Only the first N turns (of `speaker` when set, else of the call).
    public var firstTurns: Int?
    /// Only the last N turns (of `speaker` when set, else of the call).
    public var lastTurns: Int?

    public init(speaker: Speaker? = nil, firstSeconds: Double? = nil, lastSeconds: Double? = nil,
                firstTurns: Int? = nil, lastTurns: Int? = nil) {
        self.speaker = speaker
        self.firstSeconds = firstSeconds
        self.lastSeconds = lastSeconds
        self.firstTurns = firstTurns
        self.lastTurns = lastTurns
    }

    /// The whole call, any speaker.
    public static let all = Scope()
}

/// How a list of phrases must occur.
public enum PhraseMode: String, Sendable {
    /// At least one phrase occurs.
    case any
    /// Every phrase occurs (anywhere in scope).
    case all
    /// No phrase occurs.
    case none
}

/// Phrases looked for in the words of the call.
public struct KeywordCondition: Sendable {
    public var mode: PhraseMode
    public var phrases: [String]
    /// Occurrences overlapping one of these phrases do not count (e.g. `退款政策` for `退款`).
    public var exclude: [String]
    /// Utterances containing one of these phrases are skipped whole (e.g. `撤销投诉`).
    public var excludeSentence: [String]
    public var scope: Scope
    /// When true, occurrences inside a negation (我不是要投诉, 退款就不用了) do not count.
    public var negation: Bool

    public init(mode: PhraseMode = .any, phrases: [String], exclude: [String] = [], excludeSentence: [String] = [],
                scope: Scope = .all, negation: Bool = true) {
        self.mode = mode
        self.phrases = phrases
        self.exclude = exclude
        self.excludeSentence = excludeSentence
        self.scope = scope
        self.negation = negation
    }
}

/// A regular expression over the folded text of each utterance (punctuation and spaces removed).
public struct RegexCondition: Sendable {
    public var pattern: String
    /// Utterances matching this expression are skipped.
    public var exclude: String?
    public var scope: Scope

    public init(pattern: String, exclude: String? = nil, scope: Scope = .all) {
        self.pattern = pattern
        self.exclude = exclude
        self.scope = scope
    }
}

/// Two phrase conditions that must occur close to each other.
public struct ProximityCondition: Sendable {
    public var first: KeywordCondition
    public var second: KeywordCondition
    /// Largest distance in seconds between the two utterances.
    public var withinSeconds: Double?
    /// Largest distance in turns between the two utterances.
    public var withinTurns: Int?
    /// When true, `first` must come before (or in the same turn as) `second`.
    public var ordered: Bool

    public init(first: KeywordCondition, second: KeywordCondition, withinSeconds: Double? = nil, withinTurns: Int? = nil, ordered: Bool = false) {
        self.first = first
        self.second = second
        self.withinSeconds = withinSeconds
        self.withinTurns = withinTurns
        self.ordered = ordered
    }
}

/// Nobody speaking for longer than a threshold.
public struct SilenceCondition: Sendable {
    public var minimumMilliseconds: Double
    /// Only silences that follow this speaker's turn; any when nil.
    public var after: Speaker?
    public var scope: Scope

    public init(minimumMilliseconds: Double, after: Speaker? = nil, scope: Scope = .all) {
        self.minimumMilliseconds = minimumMilliseconds
        self.after = after
        self.scope = scope
    }
}

/// Both parties speaking at once for longer than a threshold.
public struct OvertalkCondition: Sendable {
    public var minimumMilliseconds: Double
    /// Only overlaps started by this speaker (who talks over the other); any when nil.
    public var by: Speaker?
    public var scope: Scope

    public init(minimumMilliseconds: Double, by: Speaker? = nil, scope: Scope = .all) {
        self.minimumMilliseconds = minimumMilliseconds
        self.by = by
        self.scope = scope
    }
}

/// Speaking faster than a number of characters per minute.
public struct SpeakingRateCondition: Sendable {
    public enum Measure: String, Sendable { case turn, average }
    public var charactersPerMinute: Double
    public var measure: Measure
    /// Turns shorter than this are too short to judge a rate.
    public var minimumSeconds: Double
    public var scope: Scope

    public init(charactersPerMinute: Double, measure: Measure = .turn, minimumSeconds: Double = 4, scope: Scope = .all) {
        self.charactersPerMinute = charactersPerMinute
        self.measure = measure
        self.minimumSeconds = minimumSeconds
        self.scope = scope
    }
}

/// A speaker's emotion score (−5…+5) crossing a threshold in some quarter of the call.
public struct EmotionCondition: Sendable {
    public var speaker: Speaker
    /// Fires when a quarter's score is at or below this value.
    public var below: Double?
    /// Fires when a quarter's score is at or above this value.
    public var above: Double?

    public init(speaker: Speaker, below: Double? = nil, above: Double? = nil) {
        self.speaker = speaker
        self.below = below
        self.above = above
    }
}

/// What a rule checks: leaves over words, timing and emotion, and boolean combinations of them.
public indirect enum Condition: Sendable {
    case keywords(KeywordCondition)
    case regex(RegexCondition)
    case proximity(ProximityCondition)
    case silence(SilenceCondition)
    case overtalk(OvertalkCondition)
    case speakingRate(SpeakingRateCondition)
    case emotion(EmotionCondition)
    case all([Condition])
    case any([Condition])
    case not(Condition)
}
