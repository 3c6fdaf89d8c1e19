/// The four labels a score maps to.
public enum EmotionLabel: String, Codable, Sendable {
    case angry, negative, neutral, positive

    /// Maps a −5…+5 score to a label; high vocal arousal turns a negative score into anger sooner.
    public init(score: Double, arousal: Double? = nil) {
        let aroused = (arousal ?? 0) >= 0.6
        if score <= -3 || (aroused && score <= -2) {
            self = .angry
        } else if score <= -1 {
            self = .negative
        } else if score >= 1 {
            self = .positive
        } else {
            self = .neutral
        }
    }

    public var chineseName: String {
        switch self {
        case .angry: return "愤怒"
        case .negative: return "负面"
        case .neutral: return "中性"
        case .positive: return "正面"
        }
    }
}

/// A speaker's emotion in one quarter of the call.
public struct QuarterEmotion: Codable, Sendable, Equatable {
    /// 1…4.
    public var quarter: Int
    public var start: Double
    public var end: Double
    /// −5…+5.
    public var score: Double
    public var label: EmotionLabel
    /// Score from the words alone.
    public var textScore: Double
    /// 0…1: loudness and pitch raised against the speaker's own baseline; nil without audio.
    public var arousal: Double?
}

/// A speaker's emotion over the call.
public struct SpeakerEmotion: Codable, Sendable, Equatable {
    public var score: Double
    public var label: EmotionLabel
    public var quarters: [QuarterEmotion]
    /// Last quarter minus first quarter: positive when the speaker calmed down.
    public var trend: Double
}

/// Emotion of both speakers.
public struct EmotionReport: Codable, Sendable, Equatable {
    public var agent: SpeakerEmotion
    public var customer: SpeakerEmotion

    public subscript(speaker: Speaker) -> SpeakerEmotion {
        speaker == .agent ? agent : customer
    }
}
