import Foundation

/// Energy-based voice activity detection with an adaptive noise floor.
///
/// The signal is cut into 20 ms frames. The noise floor at each frame is found by minimum
/// statistics: the quietest frame within `floorWindow` seconds before it, and the quietest
/// within `floorWindow` after it, whichever is louder — speech always has pauses within a few
/// seconds, so the floor follows the line noise up and down and a step in noise is not taken for
/// speech. A frame is speech when it rises `onset` dB above the floor, and stays speech while
/// above `offset` dB, with a short hangover; pauses shorter than `bridge` are closed and blips
/// shorter than `minimumSpeech` dropped.
public struct VoiceActivityDetector: Sendable {
    public var frameSeconds = 0.02
    public var onset = 12.0
    public var offset = 7.0
    /// Lowest level counted as speech, dBFS, however quiet the line.
    public var absoluteMinimum = -60.0
    /// Seconds looked at on each side to find the noise floor.
    public var floorWindow = 3.0
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

    /// The noise floor at every frame (minimum statistics, see above).
    func floors(_ levels: [Double]) -> [Double] {
        let window = max(1, Int(floorWindow / frameSeconds))
        func runningMinimum(_ values: [Double]) -> [Double] {
            var result = [Double](repeating: 0, count: values.count)
            var deque: [Int] = []
            var head = 0
            for (index, value) in values.enumerated() {
                while deque.count > head, values[deque[deque.count - 1]] >= value { deque.removeLast() }
                deque.append(index)
                if deque[head] <= index - window { head += 1 }
                result[index] = values[deque[head]]
                if head > 4096 { deque.removeFirst(head); head = 0 }
            }
            return result
        }
        let past = runningMinimum(levels)
        let future = Array(runningMinimum(levels.reversed()).reversed())
        return zip(past, future).map { max(-100, max($0, $1)) }
    }

    /// Speech decision per frame, and the median noise floor.
    func detect(levels: [Double]) -> (speech: [Bool], floor: Double) {
        guard !levels.isEmpty else { return ([], -100) }
        let floors = floors(levels)
        let hangFrames = Int(hangover / frameSeconds)
        var speech = [Bool](repeating: false, count: levels.count)
        var active = false
        var hang = 0
        for (index, level) in levels.enumerated() {
            let floor = floors[index]
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
        return (speech, median(floors) ?? -100)
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
