/// What the receive statistics made of one packet.
public enum RTPSequenceStatus: Sendable, Hashable {
    /// In sequence or within the allowed misorder; counted.
    case accepted
    /// First packet of a new SSRC (the source restarted or changed); counted, statistics restarted.
    case newSource
    /// A very large jump; held until the next packet confirms it (RFC 3550 A.1 `bad_seq`). Not counted.
    case jumpPending
    /// Older than the highest sequence seen (reordered); counted.
    case reordered
}

/// Per-leg figures handed up for the CDR.
public struct RTPStreamSummary: Sendable, Hashable {
    public var packetsReceived: UInt64
    public var packetsExpected: UInt64
    public var packetsLost: Int64
    /// Interarrival jitter in milliseconds (RFC 3550 §6.4.1).
    public var jitterMilliseconds: Double
    /// The longest time between two packets that arrived.
    public var maxGap: Duration
    /// How many times the SSRC changed.
    public var ssrcChanges: Int
}

/// Receive statistics of one RTP stream: RFC 3550 Appendix A.1 (sequence
/// validation with wraps), A.3 (loss) and A.8 (jitter). Arrival times are
/// offsets on the shell's monotonic clock.
public struct RTPReceiveStatistics: Sendable {
    static let maxDropout: UInt16 = 3000
    static let maxMisorder: UInt16 = 100
    static let sequenceModulus: UInt32 = 1 << 16

    public let clockRate: Int
    /// The SSRC being measured, nil before the first packet.
    public private(set) var ssrc: UInt32?
    public private(set) var ssrcChanges = 0

    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var badSequence: UInt32 = 1 << 17
    private var received: UInt64 = 0
    private var expectedPrior: UInt64 = 0
    private var receivedPrior: UInt64 = 0
    private var transit: Int64?
    private var jitterQ4: Int64 = 0 // jitter × 16, as in A.8
    /// Totals of sources measured before the current one.
    private var earlierReceived: UInt64 = 0
    private var earlierExpected: UInt64 = 0
    private var lastArrival: Duration?
    public private(set) var maxGap: Duration = .zero
    /// Middle 32 bits of the last sender report's NTP time, and when it arrived.
    private var lastSenderReport: (compactNTP: UInt32, arrival: Duration)?

    public init(clockRate: Int = 8000) {
        self.clockRate = clockRate
    }

    /// Records a packet that arrived at `arrival`.
    @discardableResult
    public mutating func record(_ packet: RTPPacket, arrival: Duration) -> RTPSequenceStatus {
        record(sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, ssrc: packet.ssrc, arrival: arrival)
    }

    /// Records a packet by its header fields.
    @discardableResult
    public mutating func record(sequenceNumber seq: UInt16, timestamp: UInt32, ssrc: UInt32, arrival: Duration) -> RTPSequenceStatus {
        var status = RTPSequenceStatus.accepted
        if self.ssrc != ssrc {
            if self.ssrc != nil {
                ssrcChanges += 1
                earlierReceived += received
                earlierExpected += expected
            }
            self.ssrc = ssrc
            initSequence(seq)
            transit = nil
            jitterQ4 = 0
            status = .newSource
        } else {
            let delta = seq &- maxSequence
            if delta < Self.maxDropout {
                if seq < maxSequence { cycles &+= Self.sequenceModulus }
                maxSequence = seq
            } else if delta <= UInt16.max - Self.maxMisorder {
                // A very large jump: restart only if the next packet follows this one.
                if UInt32(seq) == badSequence {
                    earlierReceived += received
                    earlierExpected += expected
                    initSequence(seq)
                    transit = nil
                } else {
                    badSequence = (UInt32(seq) + 1) & (Self.sequenceModulus - 1)
                    noteArrival(arrival)
                    return .jumpPending
                }
            } else {
                // Reordered within the misorder window: counted, no change to the highest sequence.
                status = .reordered
            }
        }
        received += 1
        noteArrival(arrival)
        updateJitter(timestamp: timestamp, arrival: arrival)
        return status
    }

    private mutating func initSequence(_ seq: UInt16) {
        baseSequence = UInt32(seq)
        maxSequence = seq
        badSequence = Self.sequenceModulus + 1
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    private mutating func noteArrival(_ arrival: Duration) {
        if let last = lastArrival, arrival - last > maxGap { maxGap = arrival - last }
        if lastArrival == nil || arrival > lastArrival! { lastArrival = arrival }
    }

    private mutating func updateJitter(timestamp: UInt32, arrival: Duration) {
        let (seconds, attoseconds) = arrival.components
        let arrivalUnits = seconds * Int64(clockRate) + attoseconds / (1_000_000_000_000_000_000 / Int64(clockRate))
        // Transit is kept modulo 2^32 so a timestamp wrap does not look like jitter.
        let t = Int64(Int32(truncatingIfNeeded: arrivalUnits &- Int64(timestamp)))
        if let previous = transit {
            var d = Int64(Int32(truncatingIfNeeded: t &- previous))
            if d < 0 { d = -d }
            jitterQ4 += d - ((jitterQ4 + 8) >> 4)
        }
        transit = t
    }

    /// Extended highest sequence number received (cycles + max).
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected from the current source.
    public var expected: UInt64 {
        guard ssrc != nil else { return 0 }
        return UInt64(extendedHighestSequence) &- UInt64(baseSequence) &+ 1
    }

    /// Packets received from the current source.
    public var receivedCount: UInt64 { received }

    /// Cumulative packets lost from the current source (negative with duplicates), as in the RR.
    public var cumulativeLost: Int64 { Int64(expected) - Int64(received) }

    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32 { UInt32(clamping: jitterQ4 >> 4) }

    /// When the last packet arrived.
    public var lastArrivalTime: Duration? { lastArrival }

    /// Notes an RTCP sender report from the peer so receiver reports can carry LSR/DLSR.
    public mutating func receivedSenderReport(ntpTimestamp: UInt64, arrival: Duration) {
        lastSenderReport = (UInt32(truncatingIfNeeded: ntpTimestamp >> 16), arrival)
    }

    /// Builds a report block for an RTCP SR or RR at time `now` and starts a new reporting interval (RFC 3550 A.3).
    public mutating func makeReportBlock(now: Duration) -> RTCPReportBlock? {
        guard let ssrc else { return nil }
        let expectedInterval = expected - expectedPrior
        expectedPrior = expected
        let receivedInterval = received - receivedPrior
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction: UInt8 = (expectedInterval == 0 || lostInterval <= 0) ? 0 : UInt8(clamping: (lostInterval << 8) / Int64(expectedInterval))
        var lsr: UInt32 = 0, dlsr: UInt32 = 0
        if let sr = lastSenderReport {
            lsr = sr.compactNTP
            let (s, a) = (now - sr.arrival).components
            dlsr = UInt32(clamping: s * 65536 + a / 15_258_789_062_500) // 1/65536 s units
        }
        return RTCPReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: cumulativeLost),
                               extendedHighestSequence: extendedHighestSequence, jitter: jitter,
                               lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }

    /// Figures for the CDR, over all sources seen.
    public var summary: RTPStreamSummary {
        let allExpected = earlierExpected + expected
        let allReceived = earlierReceived + received
        return RTPStreamSummary(packetsReceived: allReceived, packetsExpected: allExpected,
                                packetsLost: Int64(allExpected) - Int64(allReceived),
                                jitterMilliseconds: Double(jitter) * 1000 / Double(clockRate),
                                maxGap: maxGap, ssrcChanges: ssrcChanges)
    }
}
