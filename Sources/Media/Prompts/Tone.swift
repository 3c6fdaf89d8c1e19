import Foundation

/// A tone with an on/off cadence, generated sample by sample from an absolute
/// sample index (so long tones do not drift in phase or cadence).
public struct Tone: Sendable, Hashable {
    /// Frequencies mixed while the tone is on, Hz.
    public var frequencies: [Double]
    /// Peak amplitude of each frequency (16-bit scale).
    public var amplitude: Double
    /// On time, then off time, repeating; `off == 0` is continuous.
    public var on: Duration
    public var off: Duration
    /// Total length; nil repeats forever.
    public var length: Duration?

    public init(frequencies: [Double], amplitude: Double = 7000, on: Duration, off: Duration = .zero, length: Duration? = nil) {
        self.frequencies = frequencies
        self.amplitude = amplitude
        self.on = on
        self.off = off
        self.length = length
    }

    /// Chinese ringback: 450 Hz, 1 s on, 4 s off (about -10 dBm0).
    public static let chinaRingback = Tone(frequencies: [450], on: .seconds(1), off: .seconds(4))
    /// Chinese busy: 450 Hz, 0.35 s on, 0.35 s off.
    public static let chinaBusy = Tone(frequencies: [450], on: .milliseconds(350), off: .milliseconds(350))
    /// Chinese dial tone: 450 Hz continuous.
    public static let chinaDial = Tone(frequencies: [450], on: .seconds(1))
    /// A single 1 kHz beep of 200 ms (e.g. before recording a message).
    public static let beep = Tone(frequencies: [1000], amplitude: 8000, on: .milliseconds(200), length: .milliseconds(200))

    static func samples(_ d: Duration, rate: Int = 8000) -> Int {
        let (s, a) = d.components
        return Int(s) * rate + Int(a / (1_000_000_000_000_000_000 / Int64(rate)))
    }

    /// Total samples, nil when endless.
    public var sampleCount: Int? { length.map { Self.samples($0) } }

    /// The sample at absolute index `n`.
    public func sample(at n: Int) -> Int16 {
        let onSamples = Self.samples(on), period = onSamples + Self.samples(off)
        if period > onSamples, n % period >= onSamples { return 0 }
        var v = 0.0
        for f in frequencies {
            // For whole-Hz tones the phase repeats every second: reduce n first to keep precision over hours.
            let reduced = f == f.rounded() ? Double(n % 8000) : Double(n)
            let cycle = (reduced * f).truncatingRemainder(dividingBy: 8000)
            v += amplitude * sin(2 * .pi * cycle / 8000)
        }
        return Int16(max(-32768, min(32767, v.rounded())))
    }

    /// `count` samples from index `start` (silence past the end of a finite tone).
    public func samples(from start: Int, count: Int) -> [Int16] {
        let end = sampleCount ?? Int.max
        return (start..<(start + count)).map { $0 < end ? sample(at: $0) : 0 }
    }
}
