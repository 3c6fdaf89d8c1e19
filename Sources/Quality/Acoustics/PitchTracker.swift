/// Fundamental frequency by the YIN method (de Cheveigné & Kawahara, 2002).
public struct PitchTracker: Sendable {
    public var minimumFrequency = 70.0
    public var maximumFrequency = 450.0
    /// Dips of the normalised difference below this count as periodic.
    public var threshold: Float = 0.15

    public init() {}

    /// The pitch in Hz of `window` samples at `sampleRate`, or nil when the frame is not voiced.
    public func pitch(_ samples: UnsafeBufferPointer<Float>, sampleRate: Double) -> Double? {
        let maxLag = min(Int(sampleRate / minimumFrequency), samples.count / 2)
        let minLag = max(2, Int(sampleRate / maximumFrequency))
        guard maxLag > minLag + 2 else { return nil }
        let width = samples.count - maxLag
        var difference = [Float](repeating: 0, count: maxLag + 1)
        difference.withUnsafeMutableBufferPointer { d in
            for lag in 1...maxLag {
                var sum: Float = 0
                for i in 0..<width {
                    let delta = samples[i] - samples[i + lag]
                    sum += delta * delta
                }
                d[lag] = sum
            }
        }
        // Cumulative mean normalised difference.
        var running: Float = 0
        var normalised = [Float](repeating: 1, count: maxLag + 1)
        for lag in 1...maxLag {
            running += difference[lag]
            normalised[lag] = running > 0 ? difference[lag] * Float(lag) / running : 1
        }
        var best = -1
        var lag = minLag
        while lag <= maxLag {
            if normalised[lag] < threshold {
                while lag + 1 <= maxLag && normalised[lag + 1] < normalised[lag] { lag += 1 }
                best = lag
                break
            }
            lag += 1
        }
        guard best > 0 else { return nil }
        // Parabolic interpolation around the dip.
        var refined = Double(best)
        if best > 1 && best < maxLag {
            let a = Double(normalised[best - 1]), b = Double(normalised[best]), c = Double(normalised[best + 1])
            let denominator = a - 2 * b + c
            if denominator != 0 { refined += 0.5 * (a - c) / denominator }
        }
        return sampleRate / refined
    }
}
