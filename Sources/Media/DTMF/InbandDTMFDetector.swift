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

    private let rows: [GoertzelFilter]
    private let columns: [GoertzelFilter]
    private var buffer: [Float] = []
    private var candidate: DTMFDigit?
    private var hits = 0
    private var misses = 0
    private var reported: DTMFDigit?

    public init(limits: DTMFDetectionLimits = DTMFDetectionLimits()) {
        self.limits = limits
        rows = DTMFDigit.lowGroup.map { GoertzelFilter(frequency: $0) }
        columns = DTMFDigit.highGroup.map { GoertzelFilter(frequency: $0) }
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

    /// The key whose tones fill this window, if any.
    private func analyse() -> DTMFDigit? {
        buffer.withUnsafeBufferPointer { window -> DTMFDigit? in
            let n = window.count
            let rowPower = rows.map { $0.power(window) }
            let columnPower = columns.map { $0.power(window) }
            guard let (r, rowBest) = Self.dominant(rowPower, dominanceDB: limits.groupDominanceDB),
                  let (c, columnBest) = Self.dominant(columnPower, dominanceDB: limits.groupDominanceDB) else { return nil }
            let minLevel = Float(limits.minimumAmplitude * limits.minimumAmplitude / 2)
            guard GoertzelFilter.level(power: rowBest, count: n) >= minLevel / 2,
                  GoertzelFilter.level(power: columnBest, count: n) >= minLevel / 2 else { return nil }
            guard let rowLevel = toneLevel(DTMFDigit.lowGroup[r], window),
                  let columnLevel = toneLevel(DTMFDigit.highGroup[c], window) else { return nil }
            guard rowLevel >= minLevel, columnLevel >= minLevel else { return nil }
            let twist = 10 * log10(Double(rowLevel / columnLevel))
            guard twist <= limits.normalTwistDB, -twist <= limits.reverseTwistDB else { return nil }
            var energy: Float = 0
            for x in window { energy += x * x }
            let meanSquare = energy / Float(n)
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

    /// The tone's level if its frequency is within the accept band, nil if it is nearer the reject band.
    private func toneLevel(_ nominal: Double, _ window: UnsafeBufferPointer<Float>) -> Float? {
        let accept = limits.acceptTolerance, reject = limits.rejectTolerance
        let inside = [nominal * (1 - accept), nominal, nominal * (1 + accept)].map { GoertzelFilter(frequency: $0).power(window) }
        let outside = [nominal * (1 - reject), nominal * (1 + reject)].map { GoertzelFilter(frequency: $0).power(window) }
        let best = inside.max()!
        guard best > outside.max()! else { return nil }
        return GoertzelFilter.level(power: best, count: window.count)
    }

    /// True when each quarter of the window carries a fair share of its energy (the tone fills the window).
    private static func isSteady(_ window: UnsafeBufferPointer<Float>) -> Bool {
        let quarter = window.count / 4
        var energies: [Float] = []
        for q in 0..<4 {
            var e: Float = 0
            for i in (q * quarter)..<((q + 1) * quarter) { e += window[i] * window[i] }
            energies.append(e)
        }
        let mean = energies.reduce(0, +) / 4
        return energies.allSatisfy { $0 >= 0.6 * mean }
    }
}
