/// A span of time in seconds.
public struct Interval: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
    public var duration: Double { end - start }
}

/// Nobody speaking, between two turns.
public struct Silence: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    /// Whose turn ended right before the silence.
    public var after: Speaker?
    public var duration: Double { end - start }
}

/// Both parties speaking at once.
public struct Overtalk: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    /// Who started speaking while the other was talking; nil when both started together.
    public var by: Speaker?
    public var duration: Double { end - start }
}

/// Who speaks when: from the voice activity of a recording when there is one,
/// else from the transcript's segment times.
public struct SpeechTimeline: Sendable {
    public var duration: Double
    /// Merged, sorted speech intervals per speaker.
    public var speech: [Speaker: [Interval]]

    public init(duration: Double, speech: [Speaker: [Interval]]) {
        self.duration = duration
        self.speech = speech.mapValues(Self.merge)
    }

    /// The timeline implied by a transcript.
    public init(transcript: Transcript) {
        var speech: [Speaker: [Interval]] = [:]
        for segment in transcript.segments where segment.end > segment.start {
            speech[segment.speaker, default: []].append(Interval(start: segment.start, end: segment.end))
        }
        self.init(duration: transcript.duration, speech: speech)
    }

    static func merge(_ intervals: [Interval]) -> [Interval] {
        var result: [Interval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = result.last, interval.start <= last.end {
                result[result.count - 1].end = max(last.end, interval.end)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// Seconds a speaker is talking.
    public func talkTime(_ speaker: Speaker) -> Double {
        (speech[speaker] ?? []).reduce(0) { $0 + $1.duration }
    }

    /// Gaps between speech (of anyone), from the first word to the last.
    public var silences: [Silence] {
        var all: [(Interval, Speaker)] = []
        for (speaker, intervals) in speech { for interval in intervals { all.append((interval, speaker)) } }
        all.sort { $0.0.start < $1.0.start }
        var result: [Silence] = []
        guard var reach = all.first.map({ ($0.0.end, $0.1) }) else { return [] }
        for (interval, speaker) in all.dropFirst() {
            if interval.start > reach.0 {
                result.append(Silence(start: reach.0, end: interval.start, after: reach.1))
                reach = (interval.end, speaker)
            } else if interval.end > reach.0 {
                reach = (interval.end, speaker)
            }
        }
        return result
    }

    /// Spans where agent and customer speak at once, with who started talking over whom.
    public var overtalk: [Overtalk] {
        let agent = speech[.agent] ?? []
        let customer = speech[.customer] ?? []
        var result: [Overtalk] = []
        var j = 0
        for a in agent {
            while j < customer.count && customer[j].end <= a.start { j += 1 }
            var k = j
            while k < customer.count && customer[k].start < a.end {
                let c = customer[k]
                let start = max(a.start, c.start)
                let end = min(a.end, c.end)
                if end > start {
                    let by: Speaker? = a.start > c.start ? .agent : (c.start > a.start ? .customer : nil)
                    result.append(Overtalk(start: start, end: end, by: by))
                }
                k += 1
            }
        }
        return result.sorted { $0.start < $1.start }
    }
}
