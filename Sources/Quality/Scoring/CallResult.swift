/// Talk, silence and overtalk figures of a call.
public struct CallStatistics: Codable, Sendable, Equatable {
    public var duration: Double
    public var agentTalkTime: Double
    public var customerTalkTime: Double
    /// Agent share of all talk time, 0…1.
    public var agentTalkRatio: Double
    public var silenceTime: Double
    public var longestSilence: Double
    public var silencesOver3s: Int
    public var overtalkTime: Double
    public var overtalkCount: Int
    /// Times the agent started talking over the customer, and the other way round.
    public var interruptionsByAgent: Int
    public var interruptionsByCustomer: Int
    public var agentTurns: Int
    public var customerTurns: Int
    /// Characters per minute of talk time; nil without a transcript.
    public var agentCharactersPerMinute: Double?
    public var customerCharactersPerMinute: Double?
}

/// Everything the inspection of one call found.
public struct CallResult: Codable, Sendable, Equatable {
    public var callID: String
    /// The file(s) the call was read from.
    public var source: String?
    public var duration: Double
    /// 0…100 (0 when auto-failed).
    public var score: Double
    public var passed: Bool
    public var autoFailed: Bool
    public var autoFailRules: [String]
    /// Ids of the rules that fired, in pack order.
    public var rules: [String]
    public var sections: [SectionScore]
    /// Every finding, in time order.
    public var hits: [RuleHit]
    public var emotion: EmotionReport
    public var statistics: CallStatistics
    /// Voice analysis, when a recording was analysed.
    public var voice: AcousticAnalysis?
}
