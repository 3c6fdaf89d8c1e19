/// Voice measures of one quarter of the call for one speaker.
public struct QuarterVoice: Codable, Sendable, Equatable {
    /// 1…4.
    public var quarter: Int
    /// Seconds of speech in the quarter.
    public var talkTime: Double
    /// Mean level of the speech frames, dBFS.
    public var loudness: Double?
    /// Median fundamental frequency of the voiced frames, Hz.
    public var pitch: Double?
    /// 0…1: how far loudness and pitch rise above the speaker's own baseline for the call.
    public var arousal: Double?
}

/// Voice measures of one channel of a stereo recording.
public struct ChannelVoice: Codable, Sendable, Equatable {
    public var speaker: Speaker
    /// Where voice activity detection found speech.
    public var speech: [Interval]
    public var talkTime: Double
    /// Mean level of the speech frames, dBFS.
    public var loudness: Double?
    /// Median fundamental frequency of the voiced frames, Hz.
    public var pitch: Double?
    /// Estimated noise floor, dBFS.
    public var noiseFloor: Double
    public var quarters: [QuarterVoice]
}

/// What the recording itself says about a call: who spoke when, silences, talking over, voice.
public struct AcousticAnalysis: Codable, Sendable, Equatable {
    public var duration: Double
    public var sampleRate: Int
    public var agent: ChannelVoice
    public var customer: ChannelVoice
    public var silences: [Silence]
    public var overtalk: [Overtalk]

    public init(duration: Double, sampleRate: Int, agent: ChannelVoice, customer: ChannelVoice) {
        self.duration = duration
        self.sampleRate = sampleRate
        self.agent = agent
        self.customer = customer
        let timeline = SpeechTimeline(duration: duration, speech: [.agent: agent.speech, .customer: customer.speech])
        self.silences = timeline.silences
        self.overtalk = timeline.overtalk
    }

    public subscript(speaker: Speaker) -> ChannelVoice { speaker == .agent ? agent : customer }

    /// Who speaks when, from voice activity.
    public var timeline: SpeechTimeline {
        SpeechTimeline(duration: duration, speech: [.agent: agent.speech, .customer: customer.speech])
    }
}
