import Foundation

/// Energy-based voice activity detection with an adaptive noise floor.
///
/// The signal is cut into 20 ms frames. The noise floor starts at a low percentile of the frame
/// levels, follows the level down at once and creeps up slowly (so it adapts to a noisier line
/// without swallowing long speech). A frame is speech when it rises `onset` dB above the floor,
/// and stays speech while above `offset` dB, with a short hangover; pauses shorter than
/// `bridge` are closed and blips shorter than `minimumSpeech` dropped.
public struct VoiceActivityDetector: Sendable {
    public var frameSeconds = 0.02
    public var onset = 12.0
    public var offset = 7.0
    /// Lowest level counted as speech, dBFS, however quiet the line.
    public var absoluteMinimum = -60.0
    /// How fast the floor may rise, dB per second.
    public var floorRise = 0.5
    public var hangover = 0.1
    public var bridge = 0.3
    public var minimumSpeech = 0.1

    public init() {}

    /// Frame levels in dBFS.
    func levels(_ samples: [Float], frameLength: Int) -> [Double] {
        let count = samples.count / frameLength
        var result = [Double](repeating: -120, count: count)
        samples.withUnsafeBufferPointer { buffer in
            for frame in 0..<count {
                var sum: Float = 0
                let base = frame * frameLength
                for k in 0..<frameLength {
                    let s = buffer[base + k]
                    sum += s * s
                }
                result[frame] = 10 * log10(Double(sum) / Double(frameLength) + 1e-12)
            }
        }
        return result
    }

    /// Speech decision per frame, and the noise floor it ended on.
    func detect(levels: [Double]) -> (speech: [Bool], floor: Double) {
        guard !levels.isEmpty else { return ([], -120) }
        let sorted = levels.sorted()
        var floor = max(-100, sorted[sorted.count / 20])
        let rise = floorRise * frameSeconds
        let hangFrames = Int(hangover / frameSeconds)
        var speech = [Bool](repeating: false, count: levels.count)
        var active = false
        var hang = 0
        for (index, level) in levels.enumerated() {
            if level < floor { floor = level } else if !active { floor += rise } else { floor += rise / 4 }
            floor = max(floor, -100)
            let onsetLevel = max(floor + onset, absoluteMinimum)
            let offsetLevel = max(floor + offset, absoluteMinimum - 5)
            if level > onsetLevel || (active && level > offsetLevel) {
                active = true
                hang = hangFrames
            } else if hang > 0 {
                hang -= 1
            } else {
                active = false
            }
            speech[index] = active
        }
        return (speech, floor)
    }

    /// Speech intervals in seconds from per-frame decisions.
    func intervals(_ speech: [Bool]) -> [Interval] {
        var result: [Interval] = []
        var start: Int?
        for (index, active) in speech.enumerated() {
            if active, start == nil { start = index }
            if !active, let s = start {
                result.append(Interval(start: Double(s) * frameSeconds, end: Double(index) * frameSeconds))
                start = nil
            }
        }
        if let s = start { result.append(Interval(start: Double(s) * frameSeconds, end: Double(speech.count) * frameSeconds)) }
        var merged: [Interval] = []
        for interval in result {
            if let last = merged.last, interval.start - last.end < bridge {
                merged[merged.count - 1].end = interval.end
            } else {
                merged.append(interval)
            }
        }
        return merged.filter { $0.duration >= minimumSpeech }
    }
}
