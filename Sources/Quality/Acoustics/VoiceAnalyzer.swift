import Foundation

/// Analyses a stereo call recording (customer left, agent right): voice activity, talk time,
/// silences, overtalk, loudness, pitch, and their change quarter by quarter.
public struct VoiceAnalyzer: Sendable {
    public var detector = VoiceActivityDetector()
    public var pitchTracker = PitchTracker()
    /// Channel of each speaker in the file.
    public var customerChannel = 0
    public var agentChannel = 1

    public init() {}

    /// Analyses decoded audio. A mono file is treated as the agent's channel only.
    public func analyze(_ audio: AudioBuffer) -> AcousticAnalysis {
        let duration = audio.duration
        let empty = [Float](repeating: 0, count: audio.channels.first?.count ?? 0)
        let customerSamples = audio.channels.count > 1 ? audio.channels[customerChannel] : empty
        let agentSamples = audio.channels.count > 1 ? audio.channels[agentChannel] : (audio.channels.first ?? [])
        return AcousticAnalysis(
            duration: round3(duration),
            sampleRate: audio.sampleRate,
            agent: channel(agentSamples, speaker: .agent, sampleRate: audio.sampleRate, duration: duration),
            customer: channel(customerSamples, speaker: .customer, sampleRate: audio.sampleRate, duration: duration))
    }

    /// Reads and analyses a WAV file.
    public func analyze(contentsOf url: URL) throws -> AcousticAnalysis {
        analyze(try WAVFile.read(contentsOf: url))
    }

    func channel(_ samples: [Float], speaker: Speaker, sampleRate: Int, duration: Double) -> ChannelVoice {
        let frameLength = max(1, Int(Double(sampleRate) * detector.frameSeconds))
        let levels = detector.levels(samples, frameLength: frameLength)
        let (speech, floor) = detector.detect(levels: levels)
        let intervals = detector.intervals(speech)
        // Frames inside final speech intervals.
        var inSpeech = [Bool](repeating: false, count: levels.count)
        for interval in intervals {
            let a = Int((interval.start / detector.frameSeconds).rounded())
            let b = min(levels.count, Int((interval.end / detector.frameSeconds).rounded()))
            if a < b { for i in a..<b { inSpeech[i] = true } }
        }
        let pitches = pitchTrack(samples, sampleRate: sampleRate, frameLength: frameLength, speech: inSpeech, levels: levels, floor: floor)
        let speechLevels = levels.indices.filter { inSpeech[$0] }.map { levels[$0] }
        let loudness = speechLevels.isEmpty ? nil : speechLevels.reduce(0, +) / Double(speechLevels.count)
        let voiced = pitches.compactMap { $0 }
        let pitch = median(voiced)
        let baseLevel = median(speechLevels)
        var quarters: [QuarterVoice] = []
        let framesPerQuarter = Double(levels.count) / 4
        for quarter in 1...4 {
            let a = Int(framesPerQuarter * Double(quarter - 1))
            let b = quarter == 4 ? levels.count : Int(framesPerQuarter * Double(quarter))
            let range = a..<max(a, b)
            let qLevels = range.filter { inSpeech[$0] }.map { levels[$0] }
            let qPitch = median(range.compactMap { $0 < pitches.count ? pitches[$0] : nil })
            let qLoudness = qLevels.isEmpty ? nil : qLevels.reduce(0, +) / Double(qLevels.count)
            var arousal: Double?
            if let qLoudness, let baseLevel, qLevels.count >= 10 {
                let loud = (qLoudness - baseLevel) / 6
                var high = 0.0
                if let qPitch, let pitch, pitch > 0 { high = 12 * log2(qPitch / pitch) / 4 }
                arousal = round2(min(1, max(0, 0.5 * loud + 0.5 * high)))
            }
            quarters.append(QuarterVoice(quarter: quarter, talkTime: round3(Double(qLevels.count) * detector.frameSeconds),
                                         loudness: qLoudness.map(round2), pitch: qPitch.map(round2), arousal: arousal))
        }
        return ChannelVoice(
            speaker: speaker,
            speech: intervals.map { Interval(start: round3($0.start), end: round3($0.end)) },
            talkTime: round3(intervals.reduce(0) { $0 + $1.duration }),
            loudness: loudness.map(round2),
            pitch: pitch.map(round2),
            noiseFloor: round2(floor),
            quarters: quarters)
    }

    /// Pitch of every other speech frame (the one between is given the same value),
    /// computed on a copy at about 8 kHz.
    func pitchTrack(_ samples: [Float], sampleRate: Int, frameLength: Int, speech: [Bool], levels: [Double], floor: Double) -> [Double?] {
        var result = [Double?](repeating: nil, count: speech.count)
        guard speech.contains(true) else { return result }
        let factor = max(1, sampleRate / 8000)
        let rate = Double(sampleRate) / Double(factor)
        var reduced = samples
        if factor > 1 {
            reduced = [Float](repeating: 0, count: samples.count / factor)
            samples.withUnsafeBufferPointer { input in
                for i in 0..<reduced.count {
                    var sum: Float = 0
                    for k in 0..<factor { sum += input[i * factor + k] }
                    reduced[i] = sum / Float(factor)
                }
            }
        }
        let hop = frameLength / factor
        let window = Int(rate * 0.04)
        reduced.withUnsafeBufferPointer { buffer in
            var frame = 0
            while frame < speech.count {
                if speech[frame] && levels[frame] > floor + 10 {
                    let start = frame * hop
                    if start + window <= buffer.count {
                        let slice = UnsafeBufferPointer(rebasing: buffer[start..<(start + window)])
                        if let value = pitchTracker.pitch(slice, sampleRate: rate) {
                            result[frame] = value
                            if frame + 1 < speech.count && speech[frame + 1] { result[frame + 1] = value }
                        }
                    }
                }
                frame += 2
            }
        }
        return result
    }
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
