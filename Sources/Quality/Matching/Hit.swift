/// One finding of one rule: what a reviewer jumps to.
public struct RuleHit: Codable, Sendable, Equatable {
    /// The rule id.
    public var rule: String
    public var severity: Severity
    /// Who said it (for silences: whose turn came before it); nil when no one in particular.
    public var speaker: Speaker?
    /// Seconds from the start of the call.
    public var start: Double
    public var end: Double
    /// The evidence: the utterance (or, for timing rules, what was said around it).
    public var text: String
    /// The exact words that matched, as spoken, when the rule matched words.
    public var matched: String?
    /// A short explanation, e.g. `silence 12.4 s` or `312 characters/min`.
    public var detail: String?

    public init(rule: String, severity: Severity, speaker: Speaker?, start: Double, end: Double, text: String, matched: String? = nil, detail: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.speaker = speaker
        self.start = start
        self.end = end
        self.text = text
        self.matched = matched
        self.detail = detail
    }
}

/// Evidence collected while evaluating a condition, before it is tied to a rule.
struct Evidence: Sendable {
    var speaker: Speaker?
    var start: Double
    var end: Double
    var text: String
    var matched: String?
    var detail: String?
}
