import NIOCore
import Testing
@testable import Media

@Suite struct RTPPacketTests {
    let sample = RTPPacket(payloadType: 8, marker: true, sequenceNumber: 0xFFFE, timestamp: 0xDEAD_BEEF, ssrc: 0x1234_5678,
                           csrcs: [1, 2], headerExtension: RTPHeaderExtension(profile: 0xBEDE, data: [1, 2, 3, 4, 5, 6, 7, 8]),
                           payload: Array(0..<160).map { UInt8($0) })

    @Test func roundTrip() throws {
        let bytes = sample.serialized()
        #expect(bytes.count == sample.serializedCount)
        #expect(bytes[0] == 0x80 | 0x10 | 2)
        #expect(bytes[1] == 0x80 | 8)
        #expect(try RTPPacket(parsing: bytes) == sample)
        #expect(try RTPPacket(parsing: ByteBuffer(bytes: bytes)) == sample)
        var buffer = ByteBuffer()
        sample.write(to: &buffer)
        #expect(Array(buffer.readableBytesView) == bytes)
        let plain = RTPPacket(payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 9, payload: [0xFF, 0x7F])
        #expect(plain.serialized() == [0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 9, 0xFF, 0x7F])
        // Written into raw memory (the direct send path), byte for byte the same, extension padding included.
        let unaligned = RTPPacket(payloadType: 0, sequenceNumber: 2, timestamp: 320, ssrc: 9, csrcs: [7],
                                  headerExtension: RTPHeaderExtension(profile: 1, data: [9, 9, 9, 9, 9]), payload: [1])
        for packet in [sample, plain, unaligned] {
            let raw = [UInt8](unsafeUninitializedCapacity: packet.serializedCount + 8) { memory, count in
                memory.initialize(repeating: 0xAA)
                count = packet.write(to: UnsafeMutableRawBufferPointer(memory))
            }
            #expect(raw == packet.serialized())
        }
    }

    @Test func paddingIsRemoved() throws {
        var bytes = RTPPacket(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: [9, 9]).serialized()
        bytes[0] |= 0x20
        bytes += [0, 0, 3]
        #expect(try RTPPacket(parsing: bytes).payload == [9, 9])
    }

    @Test func malformedPacketsAreTypedErrors() {
        let good = sample.serialized()
        #expect(throws: RTPParseError.tooShort(11)) { try RTPPacket(parsing: Array(good.prefix(11))) }
        var v1 = good; v1[0] = (v1[0] & 0x3F) | 0x40
        #expect(throws: RTPParseError.wrongVersion(1)) { try RTPPacket(parsing: v1) }
        var csrc = Array(good.prefix(16)); csrc[0] = 0x8F
        #expect(throws: RTPParseError.csrcPastEnd) { try RTPPacket(parsing: csrc) }
        #expect(throws: RTPParseError.extensionPastEnd) { try RTPPacket(parsing: Array(good.prefix(22))) }
        var extLong = good; extLong[22] = 0xFF
        #expect(throws: RTPParseError.extensionPastEnd) { try RTPPacket(parsing: extLong) }
        var pad = RTPPacket(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: [1, 2]).serialized()
        pad[0] |= 0x20; pad[13] = 200
        #expect(throws: RTPParseError.invalidPadding) { try RTPPacket(parsing: pad) }
        pad[13] = 0
        #expect(throws: RTPParseError.invalidPadding) { try RTPPacket(parsing: pad) }
    }

    @Test func everyTruncationAndRandomBytesNeverCrash() {
        let good = sample.serialized()
        for n in 0...good.count { _ = try? RTPPacket(parsing: Array(good.prefix(n))) }
        var rng = SplitMix(seed: 7)
        for _ in 0..<20000 {
            let n = Int(rng.next() % 64)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if n > 0 { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            _ = try? RTPPacket(parsing: bytes)
            _ = try? RTCP.parse(bytes)
        }
    }

    @Test func rtcpDemux() {
        let rr = RTCP.serialize([.receiverReport(ssrc: 1, reports: [])])
        #expect(rr.withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })
        #expect(!sample.serialized().withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })
    }
}

@Suite struct RTPStreamSenderTests {
    @Test func sequenceTimestampAndMarkerAcrossSources() {
        var s = RTPStreamSender(ssrc: 77, payloadType: 0, initialSequenceNumber: 65534, initialTimestamp: UInt32.max - 100)
        let frame = [UInt8](repeating: 0xFF, count: 160)
        let p1 = s.nextPacket(payload: frame) // prompt starts
        let p2 = s.nextPacket(payload: frame)
        s.startTalkspurt() // bridge takes over
        let p3 = s.nextPacket(payload: frame)
        s.skip(samples: 480) // 60 ms on hold
        let p4 = s.nextPacket(payload: frame)
        #expect([p1, p2, p3, p4].map(\.marker) == [true, false, true, true])
        #expect([p1, p2, p3, p4].map(\.sequenceNumber) == [65534, 65535, 0, 1])
        #expect(p2.timestamp == p1.timestamp &+ 160)
        #expect(p3.timestamp == p2.timestamp &+ 160)
        #expect(p4.timestamp == p3.timestamp &+ 160 &+ 480)
        #expect(Set([p1, p2, p3, p4].map(\.ssrc)) == [77])
        #expect(s.packetCount == 4 && s.octetCount == 640)
        let e = s.eventPacket(payloadType: 101, payload: [1, 0, 0, 160], timestamp: 5, marker: true)
        #expect(e.sequenceNumber == 2)
        #expect(s.nextPacket(payload: frame).timestamp == p4.timestamp &+ 160)
    }
}

@Suite struct RTPReceiveStatisticsTests {
    private func feed(_ stats: inout RTPReceiveStatistics, seqs: [UInt16], ssrc: UInt32 = 1, jitterMs: (Int) -> Int = { _ in 0 }) {
        for (i, seq) in seqs.enumerated() {
            let ts = UInt32(seq) &* 160
            stats.record(sequenceNumber: seq, timestamp: ts, ssrc: ssrc, arrival: .milliseconds(20 * Int(seq) + jitterMs(i)))
        }
    }

    @Test func countsLossAcrossSequenceWrap() {
        var stats = RTPReceiveStatistics()
        var seqs = (UInt16(65000)...UInt16.max).map { $0 } + (0..<UInt16(500)).map { $0 }
        seqs.removeAll { $0 == 65533 || $0 == 3 || $0 == 4 }
        for (n, seq) in seqs.enumerated() {
            stats.record(sequenceNumber: seq, timestamp: UInt32(n) * 160, ssrc: 1, arrival: .milliseconds(20 * n))
        }
        #expect(stats.extendedHighestSequence == 65536 + 499)
        #expect(stats.expected == 1036)
        #expect(stats.cumulativeLost == 3)
        #expect(stats.jitter == 0 || stats.jitter < 200)
    }

    @Test func reorderedPacketsAreNotLost() {
        var stats = RTPReceiveStatistics()
        let statuses = [1, 2, 4, 3, 5].map {
            stats.record(sequenceNumber: UInt16($0), timestamp: UInt32($0) * 160, ssrc: 1, arrival: .milliseconds(20 * $0))
        }
        #expect(statuses == [.newSource, .accepted, .accepted, .reordered, .accepted])
        #expect(stats.cumulativeLost == 0)
    }

    @Test func jitterFollowsRFC3550() {
        var stats = RTPReceiveStatistics()
        // Perfectly paced packets: zero jitter.
        for n in 0..<50 { stats.record(sequenceNumber: UInt16(n), timestamp: UInt32(n * 160), ssrc: 1, arrival: .milliseconds(20 * n)) }
        #expect(stats.jitter == 0)
        // Alternate 0 / +10 ms arrival: |D| = 80 units each time; J converges towards 80.
        var jittery = RTPReceiveStatistics()
        for n in 0..<500 {
            jittery.record(sequenceNumber: UInt16(n), timestamp: UInt32(n * 160), ssrc: 1, arrival: .milliseconds(20 * n + (n % 2) * 10))
        }
        #expect((75...80).contains(jittery.jitter))
        #expect(abs(jittery.summary.jitterMilliseconds - 10) < 1)
    }

    @Test func maxGapAndSummary() {
        var stats = RTPReceiveStatistics()
        stats.record(sequenceNumber: 1, timestamp: 0, ssrc: 1, arrival: .milliseconds(0))
        stats.record(sequenceNumber: 2, timestamp: 160, ssrc: 1, arrival: .milliseconds(20))
        stats.record(sequenceNumber: 10, timestamp: 1440, ssrc: 1, arrival: .milliseconds(1500))
        #expect(stats.maxGap == .milliseconds(1480))
        #expect(stats.summary.packetsLost == 7)
    }

    @Test func ssrcChangeRestartsSequenceButKeepsTotals() {
        var stats = RTPReceiveStatistics()
        for n in 0..<10 { stats.record(sequenceNumber: UInt16(100 + n), timestamp: UInt32(n * 160), ssrc: 1, arrival: .milliseconds(20 * n)) }
        let status = stats.record(sequenceNumber: 40000, timestamp: 999, ssrc: 2, arrival: .milliseconds(200))
        #expect(status == .newSource)
        stats.record(sequenceNumber: 40001, timestamp: 1159, ssrc: 2, arrival: .milliseconds(220))
        #expect(stats.ssrc == 2)
        #expect(stats.cumulativeLost == 0)
        #expect(stats.summary.packetsReceived == 12)
        #expect(stats.summary.packetsLost == 0)
        #expect(stats.summary.ssrcChanges == 1)
    }

    @Test func largeJumpNeedsConfirmation() {
        var stats = RTPReceiveStatistics()
        for n in 0..<5 { stats.record(sequenceNumber: UInt16(n), timestamp: UInt32(n * 160), ssrc: 1, arrival: .milliseconds(20 * n)) }
        #expect(stats.record(sequenceNumber: 30000, timestamp: 900, ssrc: 1, arrival: .milliseconds(100)) == .jumpPending)
        #expect(stats.extendedHighestSequence == 4)
        #expect(stats.record(sequenceNumber: 5, timestamp: 800, ssrc: 1, arrival: .milliseconds(100)) == .accepted)
        #expect(stats.record(sequenceNumber: 31000, timestamp: 900, ssrc: 1, arrival: .milliseconds(120)) == .jumpPending)
        #expect(stats.record(sequenceNumber: 31001, timestamp: 1060, ssrc: 1, arrival: .milliseconds(140)) == .accepted)
        #expect(stats.extendedHighestSequence == 31001)
        #expect(stats.cumulativeLost == 0)
    }

    @Test func reportBlockFractionAndLSR() {
        var stats = RTPReceiveStatistics()
        for n in 0..<100 where n % 4 != 0 || n == 0 {
            stats.record(sequenceNumber: UInt16(n), timestamp: UInt32(n * 160), ssrc: 5, arrival: .milliseconds(20 * n))
        }
        stats.receivedSenderReport(ntpTimestamp: 0x1122_3344_5566_7788, arrival: .seconds(1))
        let made = stats.makeReportBlock(now: .milliseconds(1500))
        let block = try! #require(made)
        #expect(block.ssrc == 5)
        #expect(block.cumulativeLost == 24)
        #expect(block.fractionLost == UInt8(24 * 256 / 100))
        #expect(block.lastSenderReport == 0x3344_5566)
        #expect(block.delaySinceLastSenderReport == 32768)
        // Next interval without new packets: nothing lost in it.
        #expect(stats.makeReportBlock(now: .seconds(2))?.fractionLost == 0)
    }
}

@Suite struct LatchAndActivityTests {
    @Test func latchesToFirstSourceAndRefusesOthers() {
        var latch = SymmetricRTPLatch<String>()
        #expect(latch.sendAddress(signalled: "sdp") == "sdp")
        #expect(latch.decide(source: "nat:4000") == .latched)
        #expect(latch.decide(source: "nat:4000") == .accepted)
        #expect(latch.decide(source: "attacker:1") == .refused)
        #expect(latch.refusedCount == 1)
        #expect(latch.sendAddress(signalled: "sdp") == "nat:4000")
        latch.reset()
        #expect(latch.decide(source: "new:1") == .latched)
    }

    @Test func deadCallReportedOnceAfterSilence() {
        var monitor = MediaActivityMonitor(timeout: .seconds(30), start: .zero)
        #expect(monitor.check(now: .seconds(29)) == nil)
        monitor.mediaArrived(at: .seconds(10))
        #expect(monitor.check(now: .seconds(39)) == nil)
        #expect(monitor.check(now: .seconds(40)) == .seconds(30))
        #expect(monitor.check(now: .seconds(50)) == nil)
        #expect(monitor.isDead(now: .seconds(50)))
        monitor.mediaArrived(at: .seconds(51))
        #expect(!monitor.isDead(now: .seconds(52)))
        #expect(monitor.check(now: .seconds(81)) == .seconds(30))
    }
}

@Suite struct RTCPTests {
    @Test func senderReportRoundTrip() throws {
        let block = RTCPReportBlock(ssrc: 9, fractionLost: 12, cumulativeLost: -3, extendedHighestSequence: 70000, jitter: 42,
                                    lastSenderReport: 0xAABB_CCDD, delaySinceLastSenderReport: 65536)
        var sender = RTPStreamSender(ssrc: 1, payloadType: 0, initialSequenceNumber: 0, initialTimestamp: 1000)
        _ = sender.nextPacket(payload: [UInt8](repeating: 0, count: 160))
        let info = sender.senderInfo(unixTime: .seconds(1_700_000_000) + .milliseconds(500))
        #expect(info.ntpTimestamp == (UInt64(1_700_000_000 + 2_208_988_800) << 32 | 0x8000_0000))
        let packets: [RTCPPacket] = [
            .senderReport(ssrc: 1, sender: info, reports: [block]),
            .sourceDescription([(ssrc: 1, cname: "leg-1@hotline")]),
            .goodbye(ssrcs: [1], reason: "hangup"),
        ]
        let bytes = RTCP.serialize(packets)
        #expect(bytes.count % 4 == 0)
        #expect(try RTCP.parse(bytes) == packets)
        #expect(info.packetCount == 1 && info.octetCount == 160 && info.rtpTimestamp == 1000)
    }

    @Test func receiverReportFromStatistics() throws {
        var stats = RTPReceiveStatistics()
        for n in [0, 1, 2, 5] { stats.record(sequenceNumber: UInt16(n), timestamp: UInt32(n * 160), ssrc: 77, arrival: .milliseconds(20 * n)) }
        let made = stats.makeReportBlock(now: .seconds(1))
        let block = try #require(made)
        let bytes = RTCP.serialize([.receiverReport(ssrc: 3, reports: [block])])
        #expect(bytes.count == 32)
        let parsed = try RTCP.parse(bytes)
        guard case let .receiverReport(ssrc, reports) = parsed.first else { Issue.record("not an RR"); return }
        #expect(ssrc == 3)
        #expect(reports == [block])
        #expect(reports[0].cumulativeLost == 2)
    }

    @Test func malformedRTCP() {
        let rr = RTCP.serialize([.receiverReport(ssrc: 3, reports: [RTCPReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0)])])
        #expect(throws: RTCPParseError.tooShort) { try RTCP.parse([0x80]) }
        #expect(throws: RTCPParseError.lengthPastEnd) { try RTCP.parse(Array(rr.prefix(20))) }
        var badCount = rr; badCount[0] = 0x82
        #expect(throws: RTCPParseError.countPastEnd) { try RTCP.parse(badCount) }
        var v = rr; v[0] = 0x41
        #expect(throws: RTCPParseError.wrongVersion(1)) { try RTCP.parse(v) }
    }
}

/// Deterministic random numbers for tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
