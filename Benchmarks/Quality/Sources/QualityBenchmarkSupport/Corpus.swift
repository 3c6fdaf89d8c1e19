import Foundation
import Quality

/// Inputs for the benchmarks, made from the evaluation set and from synthetic audio.
public enum Corpus {
    /// The repository's labelled evaluation transcripts.
    public static func evaluationCalls() throws -> [Transcript] {
        let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/qa/eval")
        return try CallFiles.discover(in: directory).compactMap { try $0.transcript.map(TranscriptLoader.load) }
    }

    /// `count` different five-minute calls of about `characters` characters each, built by
    /// chaining evaluation calls one after another (each call starts from a different one).
    public static func fiveMinuteCalls(count: Int = 64, characters: Int = 1500) throws -> [Transcript] {
        let source = try evaluationCalls()
        precondition(!source.isEmpty, "no evaluation calls found")
        var result: [Transcript] = []
        for index in 0..<count {
            var segments: [Segment] = []
            var offset = 0.0
            var total = 0
            var next = index
            while total < characters {
                let part = source[next % source.count]
                next += 7
                for segment in part.segments {
                    segments.append(Segment(speaker: segment.speaker, start: segment.start + offset, end: segment.end + offset, text: segment.text))
                    total += TextNormalizer.normalize(segment.text).count
                }
                offset += part.duration
            }
            // Stretch to five minutes so that time windows and quarters are those of a real call.
            let scale = 300 / offset
            segments = segments.map { Segment(speaker: $0.speaker, start: $0.start * scale, end: $0.end * scale, text: $0.text) }
            result.append(Transcript(callID: "bench-\(index)", duration: 300, segments: segments))
        }
        return result
    }

    /// A stereo telephone call (customer left, agent right) of `seconds`, the parties taking
    /// turns of 2–6 s with syllable-shaped voiced speech over line noise.
    public static func stereoCall(seconds: Double = 300, sampleRate: Int = 8000) -> AudioBuffer {
        let count = Int(seconds * Double(sampleRate))
        var channels = [[Float](repeating: 0, count: count), [Float](repeating: 0, count: count)]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func random() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
        var t = 0.5
        var speaker = 1
        while t < seconds - 1 {
            let length = 2 + 4 * random()
            let pitch = speaker == 1 ? 110 + 30 * random() : 190 + 60 * random()
            let end = min(seconds, t + length)
            let a = Int(t * Double(sampleRate)), b = Int(end * Double(sampleRate))
            for i in a..<b {
                let time = Double(i) / Double(sampleRate)
                let phase = (time - t).truncatingRemainder(dividingBy: 0.25)
                let envelope = phase < 0.2 ? min(1, phase / 0.01, (0.2 - phase) / 0.01) : 0.01
                var value = 0.0
                for harmonic in 1...4 { value += sin(2 * .pi * pitch * Double(harmonic) * time) / Double(harmonic) }
                channels[speaker][i] += Float(0.08 * envelope * value)
            }
            t = end + 0.3 + 1.5 * random()
            speaker = 1 - speaker
        }
        for channel in 0..<2 {
            for i in 0..<count { channels[channel][i] += Float(0.001 * (random() - 0.5)) }
        }
        return AudioBuffer(sampleRate: sampleRate, channels: channels)
    }
}
