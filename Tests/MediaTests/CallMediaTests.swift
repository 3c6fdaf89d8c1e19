import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// CallMedia over real UDP on 127.0.0.1: test peers send and receive RTP, the media answers, plays, detects
/// digits, bridges and records. Waits are for loopback I/O with bounded timeouts.
@Suite struct CallMediaTests {
    /// The event loops share the CPU with the rest of the test suite, so ticks may run hundreds of milliseconds
    /// late: the media catches up every prompt frame instead of skipping (live calls skip past 100 ms), the
    /// recording waits long enough for late packets, and it keeps placing a stream by its timestamps even
    /// when the test peers' sends, paced on a loop of their own, fall half a second or more behind (live
    /// calls re-anchor on arrival past 500 ms). What these tests check (every sample, in order) then does
    /// not depend on when the loops get the CPU.
    let config: CallMediaConfiguration = {
        var config = CallMediaConfiguration(bindHost: "127.0.0.1", advertisedAddress: "127.0.0.1")
        config.promptCatchUpFrames = 100_000
        config.recordingDelay = .seconds(5)
        config.recordingResyncThreshold = .seconds(4)
        return config
    }()

    static let silence = [UInt8](repeating: MuLaw.silence, count: 160)

    /// RTP packets in sending order.
    static func inSequence(_ packets: [RTPPacket]) -> [RTPPacket] {
        guard let first = packets.first else { return [] }
        return packets.sorted { $0.sequenceNumber &- first.sequenceNumber < $1.sequenceNumber &- first.sequenceNumber }
    }

    /// The index of the `n`th packet (from 0) carrying the marker bit (the start of a talkspurt: a change of source).
    static func marker(_ n: Int, in packets: [RTPPacket]) -> Int? {
        let marked = packets.indices.filter { packets[$0].marker }
        return marked.count > n ? marked[n] : nil
    }

    /// A call's media and its event log.
    struct Call {
        let media: CallMedia
        let events: Collector<CallMediaEvent>
        var loop: any EventLoop { media.eventLoop }

        static func open(on loop: any EventLoop, pool: RTPPortPool, configuration: CallMediaConfiguration) async throws -> Call {
            let media = try await within(.seconds(10), "open", CallMedia.open(on: loop, ports: pool, configuration: configuration, logger: .test))
            let events = Collector<CallMediaEvent>(eventLoop: loop)
            try await loop.submit { media.onEvent = { events.append($0) } }.get()
            return Call(media: media, events: events)
        }

        func run<T: Sendable>(_ body: @escaping @Sendable (CallMedia) throws -> T) async throws -> T {
            try await loop.submit { try body(media) }.get()
        }

        func close() async throws -> CallMediaSummary {
            try await within(.seconds(10), "close", loop.flatSubmit { media.close() })
        }
    }

    static func voice(seconds: Double, frequency: Double, offset: Double) -> [Int16] {
        (0..<Int(8000 * seconds)).map { Int16(offset + 2500 * sin(2 * Double.pi * frequency * Double($0) / 8000) + Double($0 % 53) * 10) }
    }

    @Test func playsAWAVPromptSampleExactThenReportsItsEnd() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(1)), peerPool = RTPPortPool(range: testPortRange(2))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let dir = try TemporaryDirectory()
        let samples = Self.voice(seconds: 1, frequency: 300, offset: 0)
        try WAV.write(WAVAudio(samples: samples), path: dir.file("prompt.wav"))
        let prompt = try PromptLibrary().load(path: dir.file("prompt.wav"))

        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        let answer = try await call.run { media in
            let answer = try media.answerCaller(offer: testSDP(port: peer.port))
            media.play([prompt], bargeIn: false, loop: false)
            return answer
        }
        #expect(answer.media.first?.port == call.media.callerPort)
        #expect(answer.media.first?.formats == ["0", "101"])
        _ = try await call.events.wait("prompt end") { $0.contains(.promptEnded(.completed)) }
        let packets = try await peer.waitForRTP(count: 50)
        let promptPackets = Array(packets.prefix(50))
        #expect(promptPackets.flatMap(\.payload) == MuLaw.encode(samples))
        #expect(promptPackets.allSatisfy { $0.payloadType == 0 && $0.payload.count == 160 })
        #expect(promptPackets.first?.marker == true)
        #expect(promptPackets.dropFirst().allSatisfy { !$0.marker })
        for (a, b) in zip(promptPackets, promptPackets.dropFirst()) {
            #expect(b.sequenceNumber == a.sequenceNumber &+ 1)
            #expect(b.timestamp == a.timestamp &+ 160)
        }
        #expect(call.events.items == [.promptEnded(.completed)])

        let summary = try await call.close()
        #expect(summary.caller?.packetsSent ?? 0 >= 50)
        #expect(pool.inUse == 0)
        // RTCP BYE arrives on the peer's RTCP port.
        _ = try await peer.datagrams.wait("RTCP BYE") { items in
            items.contains { d in d.onRTCPPort && ((try? RTCP.parse(d.data))?.contains { if case .goodbye = $0 { true } else { false } } ?? false) }
        }
        try await peer.close()
        #expect(peerPool.inUse == 0)
    }

    @Test func lateOfferOursFirstThenTheCallersAnswerStartsTheLeg() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(44)), peerPool = RTPPortPool(range: testPortRange(45))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let dir = try TemporaryDirectory()
        let samples = Self.voice(seconds: 0.2, frequency: 300, offset: 0)
        try WAV.write(WAVAudio(samples: samples), path: dir.file("prompt.wav"))
        let prompt = try PromptLibrary().load(path: dir.file("prompt.wav"))
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)

        // No answer to apply before an offer was made.
        await #expect(throws: CallMediaError.noCallerOffer) { try await call.run { try $0.callerAnswered(testSDP(port: peer.port)) } }
        let (offer, again, waiting) = try await call.run { media in
            let offer = try media.offerCaller()
            // A playlist asked for now waits for the answer.
            media.play([prompt], bargeIn: false, loop: false)
            return (offer, try media.offerCaller(), media.isAwaitingCallerAnswer)
        }
        #expect(offer == again)
        #expect(waiting)
        #expect(offer.media.first?.port == call.media.callerPort)
        #expect(offer.media.first?.formats == ["8", "0", "101"])
        #expect(try await call.run { $0.isCallerAnswered } == false)

        // An answer naming a codec we did not offer is refused; the offer still waits.
        await #expect(throws: CallMediaError.self) {
            try await call.run { try $0.callerAnswered(testSDP(port: peer.port, codecs: [("G729", 18)])) }
        }
        #expect(try await call.run { $0.isAwaitingCallerAnswer })

        try await call.run { try $0.callerAnswered(testSDP(port: peer.port, codecs: [("PCMU", 0)])) }
        #expect(try await call.run { $0.isCallerAnswered && !$0.isAwaitingCallerAnswer })
        _ = try await call.events.wait("prompt end") { $0.contains(.promptEnded(.completed)) }
        let packets = try await peer.waitForRTP(count: 10)
        #expect(Array(packets.prefix(10)).flatMap(\.payload) == MuLaw.encode(samples))

        // A later offer without an answer is withdrawn; the leg runs on as it was.
        let renewed = try await call.run { media in
            let offer = try media.offerCaller()
            media.withdrawCallerOffer()
            return offer
        }
        #expect(renewed.origin.sessionVersion != offer.origin.sessionVersion)
        #expect(try await call.run { $0.isCallerAnswered && !$0.isAwaitingCallerAnswer })
        _ = try await call.close()
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func telephoneEventDigitsOnceWithBargeIn() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(3)), peerPool = RTPPortPool(range: testPortRange(4))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        _ = try await call.run { media in
            _ = try media.answerCaller(offer: testSDP(port: peer.port))
            media.play([.tone(.chinaRingback)], bargeIn: true, loop: true)
        }
        // The ringback is playing.
        _ = try await peer.waitForRTP(count: 5)

        var sender = RTPStreamSender(ssrc: 0x1234, payloadType: 0, initialSequenceNumber: 100, initialTimestamp: 8000)
        for digit in [DTMFDigit.five, .seven] {
            let start = sender.nextTimestamp
            for frame in TelephoneEventSender.frames(for: digit) {
                peer.send(sender.eventPacket(payloadType: 101, payload: frame.payload, timestamp: start, marker: frame.marker), toPort: call.media.callerPort)
            }
            sender.skip(samples: TelephoneEventSender.totalSamples(duration: .milliseconds(100)))
        }
        _ = try await call.events.wait("digit 7") { $0.contains(.digit(.seven)) }
        #expect(call.events.items == [.promptEnded(.bargeIn(.five)), .digit(.five), .digit(.seven)])

        // SIP INFO digits come the same way; a digit with nothing playing is just a digit.
        try await call.run { $0.injectDigit(.pound) }
        _ = try await call.events.wait("digit #") { $0.contains(.digit(.pound)) }
        #expect(call.events.items.count == 4)

        // After the barge-in the caller hears silence: the stream switches source (a new talkspurt, the marker
        // bit) from the ringback to silence, and stays there. Packets sent before the barge-in may still be on
        // their way, so the switch is found in the stream, not by counting from now.
        let received = try await peer.datagrams.wait("silence after the barge-in") { items in
            let packets = Self.inSequence(TestPeer.rtp(items))
            return Self.marker(1, in: packets).map { packets.count >= $0 + 4 } ?? false
        }
        let stream = Self.inSequence(TestPeer.rtp(received))
        #expect(Self.marker(0, in: stream) == 0)
        let switched = try #require(Self.marker(1, in: stream))
        #expect(stream[..<switched].contains { $0.payload != Self.silence }, "the ringback played")
        #expect(stream[switched...].allSatisfy { $0.payload == Self.silence })

        let summary = try await call.close()
        #expect(summary.caller?.packetsReceived == TelephoneEventSender.frames(for: .five).count * 2)
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func inBandDigitsWhenThePeerHasNoTelephoneEvent() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(5)), peerPool = RTPPortPool(range: testPortRange(6))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        let answer = try await call.run { try $0.answerCaller(offer: testSDP(port: peer.port, codecs: [("PCMA", 8)], telephoneEvent: nil)) }
        #expect(answer.media.first?.formats == ["8"])
        // 100 ms of the '3' key (697 + 1477 Hz), then 100 ms of silence.
        let (low, high) = DTMFDigit.three.frequencies
        let key = Tone(frequencies: [low, high], amplitude: 6000, on: .milliseconds(100), length: .milliseconds(100)).samples(from: 0, count: 800)
        let audio = key + [Int16](repeating: 0, count: 800)
        var sender = RTPStreamSender(ssrc: 77, payloadType: 8, initialSequenceNumber: 1, initialTimestamp: 0)
        for f in 0..<10 {
            peer.send(sender.nextPacket(payload: ALaw.encode(Array(audio[(f * 160)..<((f + 1) * 160)]))), toPort: call.media.callerPort)
        }
        _ = try await call.events.wait("in-band digit") { $0.contains(.digit(.three)) }
        #expect(call.events.items == [.digit(.three)])
        _ = try await call.close()
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func stopReplaceAndPendingPrompts() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(7)), peerPool = RTPPortPool(range: testPortRange(8))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        let events = call.events
        try await call.run { media in
            // Asked before the answer: waits, then starts with it.
            media.play([.tone(.chinaBusy)], bargeIn: false, loop: true)
            #expect(media.isPlaying)
            _ = try media.answerCaller(offer: testSDP(port: peer.port))
            // Replacing ends the first playlist, before play returns.
            media.play([.tone(.beep)], bargeIn: false, loop: true)
            #expect(events.items == [.promptEnded(.stopped)])
            media.stopPlaying()
            #expect(events.items == [.promptEnded(.stopped), .promptEnded(.stopped)])
            media.stopPlaying() // nothing plays: no event
            #expect(!media.isPlaying)
            // A digit barges in on a prompt that allows it, and not on one that does not.
            media.play([.tone(.chinaRingback)], bargeIn: false, loop: true)
            media.injectDigit(.one)
            media.play([.tone(.chinaRingback)], bargeIn: true, loop: true)
            media.injectDigit(.two)
        }
        #expect(events.items == [.promptEnded(.stopped), .promptEnded(.stopped), .digit(.one), .promptEnded(.stopped),
                                 .promptEnded(.bargeIn(.two)), .digit(.two)])
        _ = try await call.close()
        try await call.run { media in
            // After close nothing happens and nothing is reported.
            media.play([.tone(.beep)], bargeIn: true, loop: false)
            media.injectDigit(.three)
        }
        #expect(events.items.count == 6)
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func holdAndResumeByReInvite() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(9)), peerPool = RTPPortPool(range: testPortRange(10))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        _ = try await call.run { try $0.answerCaller(offer: testSDP(port: peer.port)) }
        let before = try await peer.waitForRTP(count: 3)
        // The caller holds: we may not send. A prompt played meanwhile is not heard.
        let held = try await call.run { media in
            let answer = try media.updateCaller(offer: testSDP(port: peer.port, direction: "sendonly"))
            media.play([.tone(.beep)], bargeIn: false, loop: false)
            return answer
        }
        #expect(held.media.first?.direction == .recvonly)
        _ = try await call.events.wait("beep end") { $0.contains(.promptEnded(.completed)) }
        _ = try await call.run { try $0.updateCaller(offer: testSDP(port: peer.port)) }
        // Sending resumes with a new talkspurt (the marker bit); packets sent before the hold may still be on
        // their way, so the resumption is found in the stream, not by counting from now.
        let received = try await peer.datagrams.wait("media after the resume") { items in
            let packets = Self.inSequence(TestPeer.rtp(items))
            return Self.marker(1, in: packets).map { packets.count >= $0 + 2 } ?? false
        }
        let stream = Self.inSequence(TestPeer.rtp(received))
        // Nothing but silence was sent; the stream continues in sequence, with a timestamp jump at the resumption.
        #expect(stream.allSatisfy { $0.payload == Self.silence })
        #expect(Self.marker(0, in: stream) == 0)
        let resumed = try #require(Self.marker(1, in: stream))
        #expect(resumed >= before.count)
        for (a, b) in zip(stream, stream.dropFirst()) {
            #expect(b.sequenceNumber == a.sequenceNumber &+ 1)
            if !b.marker { #expect(b.timestamp &- a.timestamp == 160) }
        }
        #expect(stream[resumed].timestamp &- stream[resumed - 1].timestamp >= 1600) // the 200 ms beep at least
        #expect(before.count >= 3)
        _ = try await call.close()
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func bridgedCallRecordedInStereoWithLoss() async throws {
        let mediaGroup = MultiThreadedEventLoopGroup.singleton, peerGroup = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(11)), peerPool = RTPPortPool(range: testPortRange(12))
        let peerLoop = peerGroup.next()
        let caller = try await TestPeer.open(on: peerLoop, pool: peerPool)
        let agent = try await TestPeer.open(on: peerLoop, pool: peerPool)
        let dir = try TemporaryDirectory()
        let path = dir.file("call.wav")
        let call = try await Call.open(on: mediaGroup.next(), pool: pool, configuration: config)
        _ = try await call.run { media in
            _ = try media.answerCaller(offer: testSDP(port: caller.port))
            try media.startRecording(path: path)
            #expect(throws: CallMediaError.alreadyRecording) { try media.startRecording(path: path) }
        }
        let offer = try await within(.seconds(10), "agent leg", call.loop.flatSubmit { call.media.openAgentLeg() })
        #expect(offer.media.first?.formats == ["8", "0", "101"])
        #expect(offer.media.first?.port == call.media.agentPort)
        #expect(pool.inUse == 2)
        try await call.run { try $0.agentAnswered(testSDP(port: agent.port, codecs: [("PCMA", 8)])) }

        // Both parties talk for one second, paced at 20 ms; the caller's packets 10 and 11 are lost.
        let frames = 50, lost: Set<Int> = [10, 11]
        let callerVoice = Self.voice(seconds: 1, frequency: 200, offset: 3000)
        let agentVoice = Self.voice(seconds: 1, frequency: 330, offset: -3000)
        let callerPort = call.media.callerPort, agentPort = call.media.agentPort!
        let senders = NIOLockedValueBoxed((RTPStreamSender(ssrc: 0xCA, payloadType: 0, initialSequenceNumber: 65500, initialTimestamp: 4_294_960_000),
                                           RTPStreamSender(ssrc: 0xA6, payloadType: 8, initialSequenceNumber: 7, initialTimestamp: 99)))
        let start = NIODeadline.now() + .milliseconds(20)
        for k in 0..<frames {
            peerLoop.scheduleTask(deadline: start + .milliseconds(Int64(20 * k))) {
                let range = (k * 160)..<((k + 1) * 160)
                senders.with { s in
                    let c = s.0.nextPacket(payload: MuLaw.encode(Array(callerVoice[range])))
                    if !lost.contains(k) { caller.send(c, toPort: callerPort) }
                    agent.send(s.1.nextPacket(payload: ALaw.encode(Array(agentVoice[range]))), toPort: agentPort)
                }
            }
        }
        // The agent hears the caller (in A-law), the caller hears the agent (in µ-law).
        let toAgent = try await agent.waitForRTP(count: frames - lost.count, payloadType: 8)
        let heardByCaller = try await caller.datagrams.wait("agent audio at the caller") { items in
            TestPeer.rtp(items).filter { $0.payload != [UInt8](repeating: MuLaw.silence, count: 160) }.count >= frames
        }
        let kept = (0..<frames).filter { !lost.contains($0) }
        #expect(toAgent.map(\.payload) == kept.map { k in G711Transcoder.transcode(MuLaw.encode(Array(callerVoice[(k * 160)..<((k + 1) * 160)])), from: .pcmu, to: .pcma) })
        // The relayed stream keeps the source's timing across the loss.
        #expect(toAgent[10].timestamp &- toAgent[9].timestamp == 480)
        let relayedToCaller = TestPeer.rtp(heardByCaller).suffix(frames)
        #expect(relayedToCaller.map(\.payload) == (0..<frames).map { k in MuLaw.encode(ALaw.decode(ALaw.encode(Array(agentVoice[(k * 160)..<((k + 1) * 160)])))) })

        let summary = try await call.close()
        #expect(pool.inUse == 0)
        #expect(summary.caller?.packetsReceived == frames - lost.count)
        #expect(summary.caller?.packetsLost == lost.count)
        #expect(summary.agent?.packetsReceived == frames)
        #expect(summary.agent?.packetsSent == frames - lost.count)
        #expect(summary.recordingPath == path)

        // The recording: caller left, agent right, aligned, with silence where the caller's packets were lost.
        let wav = try WAV.read(path: path)
        #expect(wav.channels == 2 && wav.sampleRate == 8000)
        let left = wav.channel(0), right = wav.channel(1)
        #expect(left.count == right.count)
        #expect(summary.recordingSeconds == Double(wav.frameCount) / 8000)
        let l0 = try #require(left.firstIndex { $0 != 0 }), r0 = try #require(right.firstIndex { $0 != 0 })
        // Each channel is anchored at its first packet's arrival, so how closely the two line up here depends on
        // when the loops got the CPU (tens of milliseconds apart on a loaded machine); exact alignment from
        // arrival times is checked in RecordingTests.channelsStayAlignedWithLossReorderAndJitter. Both parties
        // spoke during the same second, so their audio overlaps in the recording.
        #expect(abs(l0 - r0) < 8000, "channels misaligned by \(l0 - r0) samples")
        var expectedLeft = MuLaw.decode(MuLaw.encode(callerVoice))
        for k in lost { for i in (k * 160)..<((k + 1) * 160) { expectedLeft[i] = 0 } }
        // A required check: slicing a short recording below would end the whole test run.
        try #require(left.count >= l0 + 8000 && right.count >= r0 + 8000)
        #expect(Array(left[l0..<(l0 + 8000)]) == expectedLeft)
        #expect(Array(right[r0..<(r0 + 8000)]) == ALaw.decode(ALaw.encode(agentVoice)))
        #expect(left[(l0 + 8000)...].allSatisfy { $0 == 0 } && right[(r0 + 8000)...].allSatisfy { $0 == 0 })
        try await caller.close()
        try await agent.close()
        #expect(peerPool.inUse == 0)
    }

    @Test func ivrRecordingHasThePromptOnTheRight() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(13)), peerPool = RTPPortPool(range: testPortRange(14))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let dir = try TemporaryDirectory()
        let samples = Self.voice(seconds: 0.5, frequency: 440, offset: 1000)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        try await call.run { media in
            _ = try media.answerCaller(offer: testSDP(port: peer.port))
            try media.startRecording(path: dir.file("ivr.wav"))
            media.play([.audio(samples)], bargeIn: false, loop: false)
        }
        _ = try await call.events.wait("prompt end") { $0.contains(.promptEnded(.completed)) }
        let summary = try await call.close()
        let wav = try WAV.read(path: dir.file("ivr.wav"))
        let right = wav.channel(1)
        let r0 = try #require(right.firstIndex { $0 != 0 })
        try #require(right.count >= r0 + 4000)
        #expect(Array(right[r0..<(r0 + 4000)]) == samples)
        #expect(right[(r0 + 4000)...].allSatisfy { $0 == 0 })
        #expect(wav.channel(0).allSatisfy { $0 == 0 })
        #expect((summary.recordingSeconds ?? 0) >= 0.5)
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    /// The file and its missing folders are made off the loop; a file that cannot be made leaves the call
    /// without a recording, and nothing else changes.
    @Test func recordingFileAndFolderAreMadeOffTheLoopOrTheCallHasNone() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = RTPPortPool(range: testPortRange(19)), peerPool = RTPPortPool(range: testPortRange(20))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let dir = try TemporaryDirectory()
        try "not a folder".write(toFile: dir.file("file"), atomically: false, encoding: .utf8)
        let good = dir.file("2026-11-30/deep/call.wav"), bad = dir.file("file/call.wav")
        var summaries: [CallMediaSummary] = []
        for path in [good, bad] {
            let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
            try await call.run { media in
                _ = try media.answerCaller(offer: testSDP(port: peer.port))
                try media.startRecording(path: path)
                media.play([.audio(Self.voice(seconds: 0.1, frequency: 440, offset: 0))], bargeIn: false, loop: false)
            }
            _ = try await call.events.wait("prompt end") { $0.contains(.promptEnded(.completed)) }
            summaries.append(try await call.close())
        }
        #expect(summaries[0].recordingPath == good)
        #expect((summaries[0].recordingSeconds ?? 0) >= 0.1)
        let wav = try WAV.read(path: good)
        #expect(wav.channels == 2 && wav.sampleRate == 8000)
        #expect(summaries[1].recordingPath == nil)
        #expect(summaries[1].recordingSeconds == nil)
        #expect(!FileManager.default.fileExists(atPath: bad))
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func failurePathsGiveEveryPortBack() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let pool = RTPPortPool(range: testPortRange(15))
        // An offer with nothing we can use: 488.
        let call = try await Call.open(on: loop, pool: pool, configuration: config)
        let g729 = testSDP(port: 5000, codecs: [("G729", 18)])
        let error = try await call.run { media -> CallMediaError? in
            do { _ = try media.answerCaller(offer: g729) } catch let error as CallMediaError { return error }
            return nil
        }
        #expect(error == .sdp(.noAcceptableMedia))
        #expect(error?.isNotAcceptableHere == true)
        let hostError = try await call.run { media -> CallMediaError? in
            do { _ = try media.answerCaller(offer: testSDP(port: 5000, address: "media.invalid")) } catch let error as CallMediaError { return error }
            return nil
        }
        #expect(hostError == .unsupportedAddress("media.invalid"))
        #expect(try await call.run { !$0.isCallerAnswered })
        let noAgent = try await call.run { media -> CallMediaError? in
            do { try media.agentAnswered(g729) } catch let error as CallMediaError { return error }
            return nil
        }
        #expect(noAgent == .noAgentLeg)
        // An agent leg opened and never answered.
        _ = try await within(.seconds(10), "agent leg", loop.flatSubmit { call.media.openAgentLeg() })
        #expect(pool.inUse == 2)
        let first = try await call.close()
        let second = try await call.close()
        #expect(first == second && first == CallMediaSummary())
        #expect(pool.inUse == 0)

        // Closing while the agent leg is still binding.
        let racing = try await Call.open(on: loop, pool: pool, configuration: config)
        let (opening, closing) = try await racing.run { media in (media.openAgentLeg(), media.close()) }
        // Whether the bind finished before the close (binding on the loop may complete at once) or after it, the
        // port comes back.
        let outcome = try await within(.seconds(10), "agent leg", opening.map { _ in "offer" }.recover { "\($0)" })
        #expect(outcome == "offer" || outcome == "\(CallMediaError.closed)")
        _ = try await within(.seconds(10), "close", closing)
        #expect(pool.inUse == 0)
        let closed = try await racing.run { media -> CallMediaError? in
            do { _ = try media.answerCaller(offer: testSDP(port: 5000)) } catch let error as CallMediaError { return error }
            return nil
        }
        #expect(closed == .closed)

        // Pool exhaustion.
        let tiny = RTPPortPool(range: testPortRange(16).lowerBound...(testPortRange(16).lowerBound + 1))
        let only = try await Call.open(on: loop, pool: tiny, configuration: config)
        await #expect(throws: RTPSocketError.noFreePort) {
            _ = try await within(.seconds(10), "open", CallMedia.open(on: loop, ports: tiny, configuration: config, logger: .test))
        }
        let agentFailure = try await within(.seconds(10), "agent leg", loop.flatSubmit { only.media.openAgentLeg().map { _ in "bound" }.recover { "\($0)" } })
        #expect(agentFailure == "\(RTPSocketError.noFreePort)")
        #expect(tiny.inUse == 1)
        _ = try await only.close()
        #expect(tiny.inUse == 0)
    }

    @Test func deadMediaIsReported() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var config = self.config
        config.deadMediaTimeout = .milliseconds(100)
        config.rtcp = false
        let pool = RTPPortPool(range: testPortRange(17)), peerPool = RTPPortPool(range: testPortRange(18))
        let peer = try await TestPeer.open(on: group.next(), pool: peerPool)
        let call = try await Call.open(on: group.next(), pool: pool, configuration: config)
        _ = try await call.run { try $0.answerCaller(offer: testSDP(port: peer.port)) }
        // The check runs about once a second.
        _ = try await call.events.wait("media timeout", timeout: .seconds(10)) { $0.contains(.mediaTimeout(.caller)) }
        #expect(call.events.items == [.mediaTimeout(.caller)])
        _ = try await call.close()
        #expect(pool.inUse == 0)
        try await peer.close()
    }

    @Test func promptLibraryRefusesOtherRatesNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let library = PromptLibrary()
        try WAV.write(WAVAudio(format: .muLaw, sampleRate: 8000, samples: [100, -100, 200]), path: dir.file("ok.wav"))
        try WAV.write(WAVAudio(sampleRate: 16000, samples: [Int16](repeating: 5, count: 320)), path: dir.file("wide.wav"))
        #expect(try library.load(path: dir.file("ok.wav")) == .audio(MuLaw.decode(MuLaw.encode([100, -100, 200]))))
        _ = try library.load(path: dir.file("ok.wav"))
        #expect(library.count == 1)
        #expect(throws: PromptLibraryError.unsupportedSampleRate(path: dir.file("wide.wav"), rate: 16000)) {
            try library.load(path: dir.file("wide.wav"))
        }
        do {
            _ = try library.load(path: dir.file("wide.wav"))
        } catch {
            #expect("\(error)".contains("wide.wav") && "\(error)".contains("16000"))
        }
        #expect(throws: PromptLibraryError.self) { try library.load(path: dir.file("missing.wav")) }
        let converting = PromptLibrary(convertsSampleRates: true)
        guard case let .audio(samples) = try converting.load(path: dir.file("wide.wav")) else { Issue.record("not audio"); return }
        #expect(samples.count == 160)
    }
}

/// A value shared by scheduled tasks on one loop.
final class NIOLockedValueBoxed<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func with<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
