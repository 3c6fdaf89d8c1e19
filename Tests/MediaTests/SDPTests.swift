import Testing
@testable import Media

private func sdp(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }

private let offerFromCarrier = sdp([
    "v=0",
    "o=carrier 123456 654321 IN IP4 203.0.113.5",
    "s=call",
    "c=IN IP4 203.0.113.5",
    "t=0 0",
    "m=audio 40000 RTP/AVP 18 8 0 96",
    "a=rtpmap:18 G729/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:96 telephone-event/8000",
    "a=fmtp:96 0-15",
    "a=ptime:20",
    "a=sendrecv",
])

@Suite struct SDPTests {
    private func negotiator(_ codecs: [AudioCodec] = [.pcma, .pcmu]) -> SDPNegotiator {
        SDPNegotiator(capabilities: MediaCapabilities(codecs: codecs), localAddress: SDPConnection(address: "192.0.2.10"), sessionID: "42")
    }

    @Test func parsesSessionAndMedia() throws {
        let s = try SessionDescription(parsing: offerFromCarrier)
        #expect(s.origin.sessionID == "123456")
        #expect(s.origin.sessionVersion == 654321)
        #expect(s.connection == SDPConnection(addressType: .ipv4, address: "203.0.113.5"))
        #expect(s.media.count == 1)
        let m = s.media[0]
        #expect(m.port == 40000)
        #expect(m.formats == ["18", "8", "0", "96"])
        #expect(m.ptime == 20)
        #expect(m.direction == .sendrecv)
        #expect(m.rtpMaps.first { $0.payloadType == 96 }?.encodingName == "telephone-event")
        #expect(m.fmtp(for: 96) == "0-15")
    }

    @Test func serializeThenParseIsIdentity() throws {
        let s = try SessionDescription(parsing: offerFromCarrier)
        let text = s.serialized()
        #expect(text.hasSuffix("\r\n"))
        #expect(try SessionDescription(parsing: text) == s)
        // LF-only input is accepted too.
        #expect(try SessionDescription(parsing: offerFromCarrier.replacingOccurrences("\r\n", "\n")) == s)
    }

    @Test func answerPicksFirstCommonCodecAndKeepsTelephoneEventType() throws {
        var n = negotiator()
        let (answer, audio) = try n.answer(try SessionDescription(parsing: offerFromCarrier), rtpPort: 20000)
        #expect(audio.codec == .pcma)
        #expect(audio.payloadType == 8)
        #expect(audio.telephoneEventPayloadType == 96)
        #expect(!audio.usesInbandDTMF)
        #expect(audio.remoteAddress.address == "203.0.113.5")
        #expect(audio.remotePort == 40000)
        #expect(audio.localDirection == .sendrecv)
        #expect(audio.remotePtime == 20)
        let m = answer.media[0]
        #expect(m.port == 20000)
        #expect(m.formats == ["8", "0", "96"])
        #expect(answer.connection?.address == "192.0.2.10")
        #expect(m.direction == .sendrecv)
        // The answer is itself valid SDP.
        #expect(try SessionDescription(parsing: answer.serialized()) == answer)
    }

    @Test func preferenceFollowsOfferOrder() throws {
        var n = negotiator([.pcmu, .pcma])
        let offer = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1",
                                                         "t=0 0", "m=audio 5004 RTP/AVP 0 8"]))
        let (_, audio) = try n.answer(offer, rtpPort: 20002)
        #expect(audio.codec == .pcmu)
        #expect(audio.payloadType == 0)
    }

    @Test func offerWithoutTelephoneEventFallsBackToInband() throws {
        var n = negotiator()
        let offer = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1",
                                                         "t=0 0", "m=audio 5004 RTP/AVP 0"]))
        let (answer, audio) = try n.answer(offer, rtpPort: 20002)
        #expect(audio.usesInbandDTMF)
        #expect(audio.codec == .pcmu)
        #expect(answer.media[0].formats == ["0"])
    }

    @Test func dynamicPayloadTypeForG711AndTelephoneEvent() throws {
        var n = negotiator()
        let offer = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1",
                                                         "t=0 0", "m=audio 5004 RTP/AVP 110 127", "a=rtpmap:110 pcmu/8000",
                                                         "a=rtpmap:127 TELEPHONE-EVENT/8000"]))
        let (_, audio) = try n.answer(offer, rtpPort: 20002)
        #expect(audio.codec == .pcmu)
        #expect(audio.payloadType == 110)
        #expect(audio.telephoneEventPayloadType == 127)
    }

    @Test func rejectsUnsupportedStreamsWithPortZeroInOrder() throws {
        var n = negotiator()
        let offer = try SessionDescription(parsing: sdp([
            "v=0", "o=- 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1", "t=0 0",
            "m=video 5006 RTP/AVP 97", "a=rtpmap:97 H264/90000",
            "m=audio 5008 RTP/SAVP 0",
            "m=audio 5004 RTP/AVP 0 8",
            "m=audio 5010 RTP/AVP 0",
        ]))
        let (answer, audio) = try n.answer(offer, rtpPort: 20002)
        #expect(answer.media.map(\.port) == [0, 0, 20002, 0])
        #expect(answer.media[0].media == "video")
        #expect(answer.media[0].formats == ["97"])
        #expect(audio.mediaIndex == 2)
    }

    @Test func noCommonCodecIsNotAcceptable() throws {
        var n = negotiator()
        let offer = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1",
                                                         "t=0 0", "m=audio 5004 RTP/AVP 18 9", "a=rtpmap:9 G722/8000"]))
        #expect(throws: SDPError.noAcceptableMedia) { try n.answer(offer, rtpPort: 20002) }
    }

    @Test func holdAndResume() throws {
        var n = negotiator()
        func offer(_ direction: String, address: String = "198.51.100.1") throws -> SessionDescription {
            try SessionDescription(parsing: sdp(["v=0", "o=- 1 2 IN IP4 198.51.100.1", "s=-", "c=IN IP4 \(address)", "t=0 0",
                                                 "m=audio 5004 RTP/AVP 8", "a=\(direction)"]))
        }
        let held = try n.answer(offer("sendonly"), rtpPort: 20002)
        #expect(held.audio.localDirection == .recvonly)
        #expect(held.answer.media[0].direction == .recvonly)
        #expect(held.audio.isHeldByPeer)
        #expect(try n.answer(offer("inactive"), rtpPort: 20002).audio.localDirection == .inactive)
        #expect(try n.answer(offer("recvonly"), rtpPort: 20002).audio.localDirection == .sendonly)
        let oldHold = try n.answer(offer("sendrecv", address: "0.0.0.0"), rtpPort: 20002)
        #expect(oldHold.audio.localDirection == .recvonly)
        let resumed = try n.answer(offer("sendrecv"), rtpPort: 20002)
        #expect(resumed.audio.localDirection == .sendrecv)
        #expect(!resumed.audio.isHeldByPeer)
        // We hold: answer sendonly to a sendrecv offer.
        #expect(try n.answer(offer("sendrecv"), rtpPort: 20002, localDirection: .sendonly).audio.localDirection == .sendonly)
        // Each answer increments the origin version.
        #expect(n.sessionVersion == 7)
    }

    @Test func offerAndProcessAnswer() throws {
        var caller = negotiator([.pcmu, .pcma])
        let offer = caller.makeOffer(rtpPort: 30000)
        #expect(offer.media[0].formats == ["0", "8", "101"])
        var callee = SDPNegotiator(capabilities: MediaCapabilities(codecs: [.pcma]), localAddress: SDPConnection(address: "2001:db8::7"), sessionID: "9")
        let (answer, calleeAudio) = try callee.answer(try SessionDescription(parsing: offer.serialized()), rtpPort: 40002)
        #expect(calleeAudio.codec == .pcma)
        #expect(answer.connection?.addressType == .ipv6)
        let callerAudio = try caller.process(answer: try SessionDescription(parsing: answer.serialized()), to: offer)
        #expect(callerAudio.codec == .pcma)
        #expect(callerAudio.telephoneEventPayloadType == 101)
        #expect(callerAudio.remoteAddress == SDPConnection(addressType: .ipv6, address: "2001:db8::7"))
        #expect(callerAudio.remotePort == 40002)
        // Hold offer: we send only; the answer says recvonly.
        let hold = caller.makeOffer(rtpPort: 30000, direction: .sendonly)
        #expect(hold.media[0].direction == .sendonly)
        let (holdAnswer, _) = try callee.answer(hold, rtpPort: 40002)
        #expect(try caller.process(answer: holdAnswer, to: hold).localDirection == .sendonly)
    }

    @Test func mediaLevelConnectionOverridesSession() throws {
        let s = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "t=0 0",
                                                     "m=audio 5004 RTP/AVP 0", "c=IN IP6 2001:db8::2",
                                                     "m=audio 5006 RTP/AVP 0", "c=IN IP4 192.0.2.1/127"]))
        #expect(s.connection == nil)
        #expect(s.connection(forMedia: 0) == SDPConnection(addressType: .ipv6, address: "2001:db8::2"))
        #expect(s.connection(forMedia: 1)?.address == "192.0.2.1")
    }

    @Test(arguments: [
        ("", SDPError.missingLine("v")),
        ("v=1\r\n", SDPError.unsupportedVersion("1")),
        ("o=- 1 1 IN IP4 1.2.3.4\r\n", SDPError.missingLine("v")),
        ("v=0\r\ns=-\r\nt=0 0\r\n", SDPError.missingLine("o")),
        ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n", SDPError.missingLine("s")),
        ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", SDPError.missingLine("t")),
        ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n", SDPError.missingConnection(mediaIndex: 0)),
    ])
    func missingPartsGiveTypedErrors(text: String, error: SDPError) {
        #expect(throws: error) { try SessionDescription(parsing: text) }
    }

    @Test(arguments: [
        "garbage",
        "v=0\r\nthis is not sdp\r\n",
        "v=0\r\no=- 1 x IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 300.1.1.1\r\nt=0 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP5 1.1.1.1\r\nt=0 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP6 1.1.1.1\r\nt=0 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 ::1\r\nt=0 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5004 RTP/AVP\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio x RTP/AVP 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\na=\r\n",
    ])
    func malformedLinesGiveMalformedLineError(text: String) {
        #expect {
            try SessionDescription(parsing: text)
        } throws: { error in
            guard let e = error as? SDPError else { return false }
            switch e {
            case .malformedLine, .unsupportedVersion, .missingLine: return !e.description.isEmpty
            default: return false
            }
        }
    }

    @Test func rejectedStreamWithoutConnectionIsFine() throws {
        let s = try SessionDescription(parsing: sdp(["v=0", "o=- 1 1 IN IP4 1.2.3.4", "s=-", "t=0 0", "m=video 0 RTP/AVP 31"]))
        #expect(s.media[0].port == 0)
    }

    @Test func randomMutationsNeverCrash() {
        var rng = SplitMix(seed: 99)
        let base = Array(offerFromCarrier.utf8)
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.remove(at: i)
                default: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + 8)], at: i)
                }
            }
            if let s = try? SessionDescription(parsing: bytes) {
                parsed += 1
                var n = SDPNegotiator(localAddress: SDPConnection(address: "192.0.2.1"), sessionID: "1")
                _ = try? n.answer(s, rtpPort: 20000)
            }
        }
        #expect(parsed > 0)
    }

    @Test func directionAlgebra() {
        #expect(MediaDirection.sendonly.reversed == .recvonly)
        #expect(MediaDirection.sendrecv.intersection(.recvonly) == .recvonly)
        #expect(MediaDirection.sendonly.intersection(.recvonly) == .inactive)
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
