import Foundation

/// A Goertzel filter: the power of one frequency in a block of samples.
public struct GoertzelFilter: Sendable {
    public let frequency: Double
    /// 2·cos(2πf/fs).
    public let coefficient: Float

    public init(frequency: Double, sampleRate: Double = 8000) {
        self.frequency = frequency
        self.coefficient = Float(2 * cos(2 * Double.pi * frequency / sampleRate))
    }

    /// |X(f)|² over `samples`.
    @inlinable
    public func power(_ samples: UnsafeBufferPointer<Float>) -> Float {
        var s1: Float = 0, s2: Float = 0
        let c = coefficient
        for x in samples {
            let s0 = x + c * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2
    }

    /// The mean-square level (A²/2 for a sine of amplitude A) a pure tone at this frequency would need to give `power`.
    @inlinable
    public static func level(power: Float, count: Int) -> Float {
        2 * power / Float(count * count)
    }
}

/// Acceptance limits for in-band DTMF, after ITU-T Q.24.
public struct DTMFDetectionLimits: Sendable, Hashable {
    /// Frequencies within this fraction of nominal must be accepted (Q.24: ±1.5 %).
    public var acceptTolerance: Double = 0.015
    /// Frequencies this far off must be rejected (Q.24: ±3.5 %).
    public var rejectTolerance: Double = 0.035
    /// High group weaker than low group by at most this many dB (normal twist).
    public var normalTwistDB: Double = 8
    /// High group stronger than low group by at most this many dB (reverse twist).
    public var reverseTwistDB: Double = 4
    /// Minimum amplitude of each tone (16-bit peak); about -36 dBm0.
    public var minimumAmplitude: Double = 360
    /// The two tones must carry at least this share of the signal's energy.
    public var minimumToneShare: Double = 0.7
    /// The strongest tone of a group must exceed the others of its group by this many dB.
    public var groupDominanceDB: Double = 8

    public init() {}
}

/// In-band DTMF detection with Goertzel filters.
///
/// Audio is analysed in 20 ms windows every 10 ms. A window counts for a key
/// when one row and one column tone dominate their groups, are close enough
/// to nominal frequency (probed at nominal, ±acceptTolerance and
/// ±rejectTolerance), are loud enough, within twist, carry most of the
/// energy (speech spreads its energy over many harmonics), and are steady
/// across the window. Two consecutive windows (a tone of about 30 ms or more)
/// report the key once; it can be reported again after two windows without it.
/// Q.24's 40 ms tones are accepted, 20 ms ones rejected.
public struct InbandDTMFDetector: Sendable {
    public static let windowSize = 160
    public static let hop = 80
    public let limits: DTMFDetectionLimits

    /// Goertzel coefficients of the 4 row and 4 column frequencies, run side by side.
    private let nominal: SIMD8<Float>
    /// Per row, then per column: coefficients at -accept, +accept, -reject, +reject.
    private let rowProbes: [SIMD4<Float>]
    private let columnProbes: [SIMD4<Float>]
    private var buffer: [Float] = []
    private var candidate: DTMFDigit?
    private var hits = 0
    private var misses = 0
    private var reported: DTMFDigit?

    public init(limits: DTMFDetectionLimits = DTMFDetectionLimits()) {
        self.limits = limits
        let frequencies = DTMFDigit.lowGroup + DTMFDigit.highGroup
        nominal = SIMD8(frequencies.map { GoertzelFilter(frequency: $0).coefficient })
        func probes(_ f: Double) -> SIMD4<Float> {
            let a = limits.acceptTolerance, r = limits.rejectTolerance
            return SIMD4([f * (1 - a), f * (1 + a), f * (1 - r), f * (1 + r)].map { GoertzelFilter(frequency: $0).coefficient })
        }
        rowProbes = DTMFDigit.lowGroup.map(probes)
        columnProbes = DTMFDigit.highGroup.map(probes)
        buffer.reserveCapacity(Self.windowSize * 2)
    }

    /// Feeds 16-bit linear audio (any block size); returns the keys whose press was recognised in it.
    public mutating func process(_ samples: [Int16]) -> [DTMFEvent] {
        var events: [DTMFEvent] = []
        for s in samples {
            buffer.append(Float(s))
            if buffer.count == Self.windowSize {
                if let event = step(analyse()) { events.append(event) }
                buffer.removeFirst(Self.hop)
            }
        }
        return events
    }

    /// Feeds G.711 audio.
    public mutating func process(_ payload: [UInt8], codec: AudioCodec) -> [DTMFEvent] {
        process(codec.decode(payload))
    }

    private mutating func step(_ digit: DTMFDigit?) -> DTMFEvent? {
        guard let digit else {
            misses += 1
            hits = 0
            candidate = nil
            if misses >= 2 { reported = nil }
            return nil
        }
        misses = 0
        if digit == candidate { hits += 1 } else { candidate = digit; hits = 1 }
        if hits >= 2, reported != digit {
            reported = digit
            return DTMFEvent(digit: digit, source: .inband, duration: .milliseconds(10 * hits + 10))
        }
        return nil
    }

    /// Eight Goertzel filters over one window at once.
    @inline(__always)
    private static func powers(_ window: UnsafeBufferPointer<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        var s1 = SIMD8<Float>(repeating: 0), s2 = SIMD8<Float>(repeating: 0)
        for x in window {
            let s0 = c * s1 - s2 + SIMD8(repeating: x)
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2
    }

    /// The key whose tones fill this window, if any.
    private func analyse() -> DTMFDigit? {
        buffer.withUnsafeBufferPointer { window -> DTMFDigit? in
            let n = window.count
            let minLevel = Float(limits.minimumAmplitude * limits.minimumAmplitude / 2)
            var energy: Float = 0
            for x in window { energy += x * x }
            let meanSquare = energy / Float(n)
            // Two tones at the minimum level need at least this much signal: silence costs one pass.
            guard meanSquare >= 2 * minLevel * 0.5 else { return nil }
            let p = Self.powers(window, nominal)
            let rowPower = [p[0], p[1], p[2], p[3]], columnPower = [p[4], p[5], p[6], p[7]]
            guard let (r, rowBest) = Self.dominant(rowPower, dominanceDB: limits.groupDominanceDB),
                  let (c, columnBest) = Self.dominant(columnPower, dominanceDB: limits.groupDominanceDB) else { return nil }
            guard GoertzelFilter.level(power: rowBest, count: n) >= minLevel / 2,
                  GoertzelFilter.level(power: columnBest, count: n) >= minLevel / 2 else { return nil }
            // Probes at ±accept (inside) and ±reject (outside) for the two candidate tones.
            let q = Self.powers(window, SIMD8(lowHalf: rowProbes[r], highHalf: columnProbes[c]))
            let rowInside = max(rowBest, q[0], q[1]), columnInside = max(columnBest, q[4], q[5])
            guard rowInside > max(q[2], q[3]), columnInside > max(q[6], q[7]) else { return nil }
            let rowLevel = GoertzelFilter.level(power: rowInside, count: n)
            let columnLevel = GoertzelFilter.level(power: columnInside, count: n)
            guard rowLevel >= minLevel, columnLevel >= minLevel else { return nil }
            let twist = 10 * log10(Double(rowLevel / columnLevel))
            guard twist <= limits.normalTwistDB, -twist <= limits.reverseTwistDB else { return nil }
            guard Double((rowLevel + columnLevel) / meanSquare) >= limits.minimumToneShare else { return nil }
            guard Self.isSteady(window) else { return nil }
            return DTMFDigit.keypad[r][c]
        }
    }

    /// Index and power of the strongest entry if it exceeds every other by `dominanceDB`.
    private static func dominant(_ powers: [Float], dominanceDB: Double) -> (Int, Float)? {
        var best = 0
        for i in powers.indices where powers[i] > powers[best] { best = i }
        let ratio = Float(pow(10, dominanceDB / 10))
        for i in powers.indices where i != best && powers[i] * ratio > powers[best] { return nil }
        return powers[best] > 0 ? (best, powers[best]) : nil
    }

    /// True when each quarter of the window carries a fair share of its energy (the tone fills the window).
    private static func isSteady(_ window: UnsafeBufferPointer<Float>) -> Bool {
        let quarter = window.count / 4
        var energies = SIMD4<Float>(repeating: 0)
        for q in 0..<4 {
            var e: Float = 0
            for i in (q * quarter)..<((q + 1) * quarter) { e += window[i] * window[i] }
            energies[q] = e
        }
        let mean = energies.sum() / 4
        return energies.min() >= 0.6 * mean
    }
}
