import Foundation

/// One utterance of one speaker, with its time span in seconds from the start of the call.
public struct Segment: Codable, Sendable, Equatable {
    public var speaker: Speaker
    public var start: Double
    public var end: Double
    public var text: String

    public init(speaker: Speaker, start: Double, end: Double, text: String) {
        self.speaker = speaker
        self.start = start
        self.end = max(start, end)
        self.text = text
    }

    /// Length of the utterance in seconds.
    public var duration: Double { end - start }
}

/// The words of a call, speaker by speaker, in time order.
///
/// Segments may overlap in time when people talk over each other.
/// The JSON form is `{"call_id": "...", "duration": 183.2, "segments": [{"speaker": "agent", "start": 0, "end": 3.2, "text": "您好"}]}`.
public struct Transcript: Codable, Sendable, Equatable {
    public var callID: String
    public var duration: Double
    public var segments: [Segment]

    public init(callID: String, duration: Double? = nil, segments: [Segment]) {
        self.callID = callID
        let sorted = segments.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        self.segments = sorted
        self.duration = max(duration ?? 0, sorted.map(\.end).max() ?? 0)
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case duration
        case segments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decodeIfPresent(String.self, forKey: .callID) ?? ""
        let duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        let segments = try container.decode([Segment].self, forKey: .segments)
        self.init(callID: id, duration: duration, segments: segments)
    }

    /// Segments of one speaker, in time order.
    public func segments(of speaker: Speaker) -> [Segment] {
        segments.filter { $0.speaker == speaker }
    }

    /// Merges two single-channel transcriptions into one call transcript, ordered by time.
    ///
    /// Segments that are empty, or that the recogniser itself marks as most likely not speech, are dropped.
    public static func merge(
        callID: String,
        agent: VerboseTranscription,
        customer: VerboseTranscription,
        duration: Double? = nil
    ) -> Transcript {
        var segments: [Segment] = []
        for (speaker, channel) in [(Speaker.agent, agent), (Speaker.customer, customer)] {
            for part in channel.segments where part.isSpeech {
                segments.append(Segment(speaker: speaker, start: part.start, end: part.end,
                                        text: part.text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
        let longest = max(agent.duration ?? 0, customer.duration ?? 0, duration ?? 0)
        return Transcript(callID: callID, duration: longest > 0 ? longest : nil, segments: segments)
    }
}

/// The `verbose_json` response of the OpenAI-compatible `POST /v1/audio/transcriptions` endpoint.
public struct VerboseTranscription: Codable, Sendable, Equatable {
    /// One timed piece of the recognised text.
    public struct Part: Codable, Sendable, Equatable {
        public var id: Int?
        public var start: Double
        public var end: Double
        public var text: String
        public var avgLogprob: Double?
        public var noSpeechProb: Double?

        enum CodingKeys: String, CodingKey {
            case id, start, end, text
            case avgLogprob = "avg_logprob"
            case noSpeechProb = "no_speech_prob"
        }

        public init(id: Int? = nil, start: Double, end: Double, text: String, avgLogprob: Double? = nil, noSpeechProb: Double? = nil) {
            self.id = id
            self.start = start
            self.end = end
            self.text = text
            self.avgLogprob = avgLogprob
            self.noSpeechProb = noSpeechProb
        }

        /// False for empty text and for parts the recogniser marks as silence with high confidence.
        public var isSpeech: Bool {
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && (noSpeechProb ?? 0) < 0.9
        }
    }

    public var task: String?
    public var language: String?
    public var duration: Double?
    public var text: String
    public var segments: [Part]

    public init(task: String? = "transcribe", language: String? = nil, duration: Double? = nil, text: String, segments: [Part]) {
        self.task = task
        self.language = language
        self.duration = duration
        self.text = text
        self.segments = segments
    }

    enum CodingKeys: String, CodingKey { case task, language, duration, text, segments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        task = try container.decodeIfPresent(String.self, forKey: .task)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        segments = try container.decodeIfPresent([Part].self, forKey: .segments) ?? []
    }
}
