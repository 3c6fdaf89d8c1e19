import NIOCore
import Testing
@testable import Media

@Suite struct MediaLegTests {
    private func negotiated(telephoneEvent: UInt8? = 101, direction: MediaDirection = .sendrecv) -> NegotiatedAudio {
        NegotiatedAudio(mediaIndex: 0, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: telephoneEvent, ptime: 20,
                        localDirection: direction, remoteAddress: SDPConnection(address: "198.51.100.7"), remotePort: 4000)
    }

    private func leg(telephoneEvent: UInt8? = 101) -> MediaLeg<String> {
        MediaLeg(audio: negotiated(telephoneEvent: telephoneEvent), signalledAddress: "sdp:4000", start: .zero,
                 deadMediaTimeout: .seconds(30),
                 sender: RTPStreamSender(ssrc: 42, payloadType: 0, initialSequenceNumber: 10, initialTimestamp: 1000))
    }

    private func rtp(_ seq: UInt16, pt: UInt8 = 0, payload: [UInt8] = [UInt8](repeating: 0xFF, count: 160), ssrc: UInt32 = 7) -> [UInt8] {
        RTPPacket(payloadType: pt, sequenceNumber: seq, timestamp: UInt32(seq) * 160, ssrc: ssrc, payload: payload).serialized()
    }

    @Test func latchesParsesAndDropsWhatItCannotUse() {
        var leg = leg()
        #expect(leg.destination == "sdp:4000")
        #expect(leg.receive(rtp(1), from: "nat:5000", arrival: .milliseconds(20)) ==
            [.latched, .audio(payload: [UInt8](repeating: 0xFF, count: 160), timestamp: 160, ssrc: 7)])
        #expect(leg.destination == "nat:5000")
        #expect(leg.receive(ByteBuffer(bytes: rtp(2)), from: "nat:5000", arrival: .milliseconds(40)).count == 1)
        #expect(leg.receive(rtp(3), from: "intruder:1", arrival: .milliseconds(60)) == [.dropped(.unexpectedSource)])
        #expect(leg.receive([0x80, 0, 1], from: "nat:5000", arrival: .milliseconds(60)) == [.dropped(.malformedRTP(.tooShort(3)))])
        #expect(leg.receive(rtp(4, pt: 13, payload: [40]), from: "nat:5000", arrival: .milliseconds(80)) == [.dropped(.unknownPayloadType(13))])
        #expect(leg.dropped[.unexpectedSource] == 1)
        #expect(leg.statistics.summary.packetsReceived == 2)
    }

    @Test func digitsFromTelephoneEventsOnce() {
        var leg = leg()
        var digits: [DTMFDigit] = []
        for (i, duration) in [160, 320, 480, 480, 480].enumerated() {
            let end = i >= 2
            let payload = TelephoneEventPayload(event: 9, isEnd: end, volume: 10, duration: UInt16(duration)).bytes
            let bytes = RTPPacket(payloadType: 101, marker: i == 0, sequenceNumber: UInt16(i), timestamp: 8000, ssrc: 7, payload: payload).serialized()
            for case let .digit(e) in leg.receive(bytes, from: "a", arrival: .milliseconds(20 * i)) { digits.append(e.digit) }
        }
        #expect(digits == [.nine])
    }

    @Test func inbandDigitsWhenNoTelephoneEvent() {
        var leg = leg(telephoneEvent: nil)
        let audio = Signal.dtmf(.four, ms: 80) + Signal.silence(ms: 40)
        var digits: [DTMFDigit] = []
        for k in 0..<(audio.count / 160) {
            let payload = MuLaw.encode(Array(audio[(160 * k)..<(160 * k + 160)]))
            for case let .digit(e) in leg.receive(rtp(UInt16(k), payload: payload), from: "a", arrival: .milliseconds(20 * k)) {
                digits.append(e.digit)
                #expect(e.source == .inband)
            }
        }
        #expect(digits == [.four])
        #expect(leg.packets(forDigit: .one) == nil)
    }

    @Test func holdSkipsTimeAndResumeMarksTalkspurt() {
        var leg = leg()
        let frame = BridgeFrame(side: .caller, payload: [UInt8](repeating: 0xFF, count: 160), startsTalkspurt: false)
        let first = leg.packet(for: frame)!
        #expect(first.marker && first.sequenceNumber == 10 && first.timestamp == 1000)
        leg.renegotiated(negotiated(direction: .recvonly)) // the peer put us on hold
        #expect(leg.packet(for: frame) == nil)
        #expect(leg.packet(for: frame) == nil)
        leg.renegotiated(negotiated(direction: .sendrecv))
        let resumed = leg.packet(for: frame)!
        #expect(resumed.marker)
        #expect(resumed.sequenceNumber == 11)
        #expect(resumed.timestamp == 1000 + 160 * 3)
        var lossy = frame
        lossy.skipSamples = 320
        #expect(leg.packet(for: lossy)!.timestamp == 1000 + 160 * 4 + 320)
    }

    @Test func sendsDigitsAsTelephoneEvents() {
        var leg = leg()
        let packets = leg.packets(forDigit: .pound)!
        #expect(packets.count == 7)
        #expect(Set(packets.map(\.timestamp)) == [1000])
        #expect(packets.map(\.sequenceNumber) == Array(10...16))
        #expect(packets.allSatisfy { $0.payloadType == 101 })
        #expect(packets[0].marker && !packets[1].marker)
        leg.finishedSendingDigit()
        let next = leg.packet(for: BridgeFrame(side: .caller, payload: [1], startsTalkspurt: false))!
        #expect(next.timestamp == 1800)
        #expect(next.sequenceNumber == 17)
    }

    @Test func deadMediaAndRTCP() throws {
        var leg = leg()
        _ = leg.receive(rtp(1), from: "a", arrival: .seconds(1))
        #expect(leg.checkMedia(now: .seconds(30)) == nil)
        #expect(leg.checkMedia(now: .seconds(31)) == .seconds(30))
        // Before we send anything: RR + SDES.
        let rr = try RTCP.parse(leg.rtcpReport(now: .seconds(5), unixTime: .seconds(1_800_000_000)))
        guard case let .receiverReport(ssrc, blocks) = rr[0] else { Issue.record("expected RR"); return }
        #expect(ssrc == 42 && blocks.first?.ssrc == 7)
        // The peer's SR is noted; our SR then carries LSR.
        let peerSR = RTCP.serialize([.senderReport(ssrc: 7, sender: RTCPSenderInfo(ntpTimestamp: 0x0000_1234_5678_0000, rtpTimestamp: 0, packetCount: 1, octetCount: 160), reports: [])])
        #expect(leg.receive(peerSR, from: "a", arrival: .seconds(6)).count == 1)
        _ = leg.packet(for: BridgeFrame(side: .caller, payload: [1, 2], startsTalkspurt: false))
        let sr = try RTCP.parse(leg.rtcpReport(now: .seconds(7), unixTime: .seconds(1_800_000_000)))
        guard case let .senderReport(_, info, reports) = sr[0] else { Issue.record("expected SR"); return }
        #expect(info.packetCount == 1 && info.octetCount == 2)
        #expect(reports.first?.lastSenderReport == 0x1234_5678)
        #expect(reports.first?.delaySinceLastSenderReport == 65536)
        #expect(try RTCP.parse(leg.rtcpGoodbye()) == [.goodbye(ssrcs: [42], reason: nil)])
        #expect(leg.receive([0x80, 200, 0, 9], from: "a", arrival: .seconds(8)) == [.dropped(.malformedRTCP(.lengthPastEnd))])
    }
}
