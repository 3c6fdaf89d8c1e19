import Foundation
import Testing
@testable import Media

@Suite struct MediaBridgeTests {
    let speech: [Int16] = (0..<160).map { Int16(8000 * sin(Double($0) / 5)) }

    @Test func relaysWithTranscodingAndTapsBothParties() {
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
        let fromCaller = MuLaw.encode(speech)
        let a = bridge.receive(payload: fromCaller, from: .caller, timestamp: 160, ssrc: 1, arrival: .milliseconds(20))
        #expect(a.frames.count == 1)
        #expect(a.frames[0].side == .agent)
        #expect(a.frames[0].payload == G711Transcoder.transcode(fromCaller, from: .pcmu, to: .pcma))
        #expect(a.frames[0].startsTalkspurt)
        #expect(a.tap == [RecordingTapItem(channel: .left, samples: MuLaw.decode(fromCaller), timing: .rtp(timestamp: 160, ssrc: 1, arrival: .milliseconds(20)))])
        let b = bridge.receive(payload: ALaw.encode(speech), from: .agent, timestamp: 9, ssrc: 2, arrival: .milliseconds(21))
        #expect(b.frames.map(\.side) == [.caller])
        #expect(b.tap.first?.channel == .right)
        let c = bridge.receive(payload: fromCaller, from: .caller, timestamp: 320, ssrc: 1, arrival: .milliseconds(40))
        #expect(!c.frames[0].startsTalkspurt)
        #expect(c.frames[0].skipSamples == 0)
        // Two packets lost upstream: the relayed stream skips their time.
        let d = bridge.receive(payload: fromCaller, from: .caller, timestamp: 800, ssrc: 1, arrival: .milliseconds(100))
        #expect(d.frames[0].skipSamples == 320)
        let late = bridge.receive(payload: fromCaller, from: .caller, timestamp: 480, ssrc: 1, arrival: .milliseconds(101))
        #expect(late.frames[0].skipSamples == 0)
        #expect(bridge.receive(payload: fromCaller, from: .caller, timestamp: 960, ssrc: 1, arrival: .milliseconds(120)).frames[0].skipSamples == 0)
        #expect(bridge.receive(payload: fromCaller, from: .caller, timestamp: 900_000, ssrc: 1, arrival: .milliseconds(140)).frames[0].skipSamples == 0)
        // Bridged legs need nothing on ticks.
        #expect(bridge.tick(now: .milliseconds(40)).frames.isEmpty)
        // Same codec: payload passes through untouched.
        var same = MediaBridge(callerCodec: .pcma, agentCodec: .pcma)
        #expect(same.receive(payload: [1, 2, 3], from: .agent, timestamp: 0, ssrc: 1, arrival: .zero).frames.first?.payload == [1, 2, 3])
    }

    @Test func ivrPromptToCallerIsTappedOnTheRightAndEnds() {
        var bridge = MediaBridge(callerCodec: .pcma)
        bridge.play(PromptPlayer(playlist: [.audio(speech + speech)], start: .zero), to: .caller)
        #expect(bridge.isPlaying(to: .caller))
        let t0 = bridge.tick(now: .zero)
        #expect(t0.frames.map(\.payload) == [ALaw.encode(speech)])
        #expect(t0.frames[0].startsTalkspurt)
        #expect(t0.tap == [RecordingTapItem(channel: .right, samples: speech, timing: .local(at: .zero))])
        let t1 = bridge.tick(now: .milliseconds(20))
        #expect(t1.promptsEnded.map(\.reason) == [.completed])
        #expect(!bridge.isPlaying(to: .caller))
        let t2 = bridge.tick(now: .milliseconds(40))
        #expect(t2.frames.map(\.payload) == [[UInt8](repeating: ALaw.silence, count: 160)])
        #expect(t2.frames[0].startsTalkspurt)
        // Caller audio in IVR is tapped but relayed nowhere.
        let r = bridge.receive(payload: ALaw.encode(speech), from: .caller, timestamp: 0, ssrc: 1, arrival: .zero)
        #expect(r.frames.isEmpty && r.tap.count == 1)
    }

    @Test func bargeInStopsPromptAndReturnsToPreviousSource() {
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcmu)
        bridge.play(PromptPlayer(playlist: [.tone(.chinaRingback)], start: .zero), to: .caller)
        _ = bridge.tick(now: .zero)
        #expect(bridge.digit(.three, from: .agent).promptsEnded.isEmpty)
        let barge = bridge.digit(.three, from: .caller)
        #expect(barge.promptsEnded.map(\.reason) == [.bargeIn(.three)])
        #expect(bridge.hearsPeer(.caller))
        let relayed = bridge.receive(payload: [0x11], from: .agent, timestamp: 0, ssrc: 2, arrival: .zero)
        #expect(relayed.frames.first?.startsTalkspurt == true)
        // Without barge-in the digit does not stop it.
        bridge.play(PromptPlayer(playlist: [.silence(.seconds(5))], allowsBargeIn: false, start: .zero), to: .caller)
        #expect(bridge.digit(.one, from: .caller).promptsEnded.isEmpty)
        #expect(bridge.isPlaying(to: .caller))
    }

    @Test func holdPlaysMusicToCallerAndSilenceToAgent() {
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
        let music = PromptPlayer(playlist: [.audio(speech)], loops: true, start: .seconds(1))
        bridge.hold(music: music)
        #expect(bridge.isHeld)
        let t = bridge.tick(now: .seconds(1))
        #expect(Set(t.frames.map(\.side)) == [.caller, .agent])
        #expect(t.frames.first { $0.side == .caller }?.payload == MuLaw.encode(speech))
        #expect(t.frames.first { $0.side == .agent }?.payload == [UInt8](repeating: ALaw.silence, count: 160))
        // Nothing is relayed while held, but both parties are still recorded.
        let r = bridge.receive(payload: MuLaw.encode(speech), from: .caller, timestamp: 0, ssrc: 1, arrival: .seconds(1))
        #expect(r.frames.isEmpty && r.tap.count == 1)
        #expect(bridge.receive(payload: ALaw.encode(speech), from: .agent, timestamp: 0, ssrc: 2, arrival: .seconds(1)).frames.isEmpty)
        bridge.resume()
        #expect(!bridge.isHeld)
        let back = bridge.receive(payload: MuLaw.encode(speech), from: .caller, timestamp: 160, ssrc: 1, arrival: .seconds(2))
        #expect(back.frames.map(\.side) == [.agent])
        #expect(back.frames[0].startsTalkspurt)
        #expect(bridge.tick(now: .seconds(2)).frames.isEmpty)
    }

    @Test func oneLegHearsPromptWhileOtherHearsSilence() {
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcmu)
        bridge.setSource(.silence, for: .caller)
        bridge.play(PromptPlayer(playlist: [.tone(.beep)], start: .zero), to: .agent) // a whisper to the agent
        let t = bridge.tick(now: .zero)
        #expect(t.frames.count == 2)
        #expect(t.frames.first { $0.side == .caller }?.payload.allSatisfy { $0 == MuLaw.silence } == true)
        #expect(t.frames.first { $0.side == .agent }?.payload.contains { $0 != MuLaw.silence } == true)
        #expect(t.tap.isEmpty) // prompts to a bridged call are not recorded
        #expect(bridge.receive(payload: [1], from: .caller, timestamp: 0, ssrc: 1, arrival: .zero).frames.isEmpty)
        // After the beep the agent returns to the caller's audio.
        var ended = false
        for k in 1...12 where !bridge.tick(now: .milliseconds(20 * k)).promptsEnded.isEmpty { ended = true }
        #expect(ended)
        #expect(bridge.hearsPeer(.agent))
    }

    /// An IVR call: the prompt to the caller is tapped on the right channel where each frame was due, so the
    /// recording has it whole and contiguous when the ticks run late by varying amounts (a loaded machine),
    /// and when the prompt starts a few milliseconds after the recording.
    @Test func ivrPromptRecordedWholeDespiteLateTicks() {
        let prompt = (0..<8000).map { Int16(1000 + $0 % 211) }
        let recordingStart = Duration.milliseconds(1000), promptStart = Duration.microseconds(1_005_300)
        var bridge = MediaBridge(callerCodec: .pcmu)
        bridge.play(PromptPlayer(playlist: [.audio(prompt)], start: promptStart, maxBurst: 100), to: .caller)
        var recording = StereoRecordingBuffer(start: recordingStart)
        var rng = SplitMix(seed: 11)
        var now = promptStart, sent: [UInt8] = [], ended = false, k = 1
        while !ended, k < 1000 {
            // Ticks every 20 ms (on the ticker's own schedule), each 0 to 19 ms late, and now and then 150 ms late.
            let late = rng.next() % 7 == 0 ? 150_000 : Int(rng.next() % 20_000)
            now = max(now, recordingStart + .milliseconds(20 * k) + .microseconds(late))
            k += 1
            let actions = bridge.tick(now: now)
            sent += actions.frames.flatMap(\.payload)
            for item in actions.tap {
                guard case let .local(at) = item.timing else { Issue.record("not local"); continue }
                #expect(item.channel == .right)
                recording.addLocal(item.samples, channel: item.channel, at: at)
            }
            ended = !actions.promptsEnded.isEmpty
        }
        #expect(sent == MuLaw.encode(prompt))
        let pcm = recording.finish(now: now)
        let right = stride(from: 1, to: pcm.count, by: 2).map { pcm[$0] }
        let offset = 42 // 5.3 ms after the recording started
        #expect(right.count >= offset + prompt.count)
        #expect(right[..<offset].allSatisfy { $0 == 0 })
        #expect(Array(right[offset..<(offset + prompt.count)]) == prompt)
        #expect(right[(offset + prompt.count)...].allSatisfy { $0 == 0 })
    }

    /// A known WAV prompt goes from the agent's endpoint (PCMA) over RTP with loss and reordering through the
    /// bridge to the caller (PCMU) and into the stereo recording.
    @Test func wavThroughRTPAndBridgeIntoRecording() throws {
        let dir = try TemporaryDirectory()
        let source = (0..<(8000 * 3)).map { Int16(9000 * sin(2 * Double.pi * 300 * Double($0) / 8000) * (1 + 0.5 * sin(Double($0) / 900))) }
        try WAV.write(WAVAudio(samples: source), path: dir.file("prompt.wav"))
        let prompt = try WAV.read(path: dir.file("prompt.wav")).narrowbandMono()
        #expect(prompt == source)

        // The agent's endpoint plays the prompt in PCMA.
        var player = PromptPlayer(playlist: [.audio(prompt)], start: .zero)
        var sender = RTPStreamSender(ssrc: 0xA6E7, payloadType: 8, initialSequenceNumber: 65500, initialTimestamp: 4_294_967_000)
        var datagrams: [(arrival: Int, bytes: [UInt8], index: Int)] = []
        var k = 0
        while player.isPlaying {
            for frame in player.tick(now: .milliseconds(20 * k)).frames {
                datagrams.append((20 * (k + 1), sender.nextPacket(payload: ALaw.encode(frame)).serialized(), k))
            }
            k += 1
        }
        let lost: Set<Int> = [7, 8, 50, 99, 120]
        datagrams.removeAll { lost.contains($0.index) }
        // Reorder: every 10th packet arrives 30 ms late, after the next one.
        for i in datagrams.indices where datagrams[i].index % 10 == 5 { datagrams[i].arrival += 30 }
        datagrams.sort { $0.arrival < $1.arrival }

        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
        var stats = RTPReceiveStatistics()
        var latch = SymmetricRTPLatch<String>()
        var recording = StereoRecordingBuffer(start: .zero)
        var toCaller: [UInt16: [UInt8]] = [:]
        var callerSender = RTPStreamSender(ssrc: 1, payloadType: 0, initialSequenceNumber: 0, initialTimestamp: 0)
        var pcm: [Int16] = []
        for d in datagrams {
            #expect(latch.decide(source: "agent:4000") != .refused)
            let packet = try RTPPacket(parsing: d.bytes)
            let arrival = Duration.milliseconds(d.arrival)
            stats.record(packet, arrival: arrival)
            let actions = bridge.receive(payload: packet.payload, from: .agent, timestamp: packet.timestamp, ssrc: packet.ssrc, arrival: arrival)
            for f in actions.frames { toCaller[UInt16(truncatingIfNeeded: Int(packet.sequenceNumber) - 65500)] = callerSender.nextPacket(payload: f.payload).payload }
            for t in actions.tap {
                if case let .rtp(ts, ssrc, at) = t.timing { recording.addRTP(t.samples, channel: t.channel, timestamp: ts, ssrc: ssrc, arrival: at) }
            }
            pcm += recording.drain(now: arrival)
        }
        #expect(latch.decide(source: "elsewhere:1") == .refused)
        pcm += recording.finish(now: .milliseconds(20 * 150))
        #expect(stats.summary.packetsLost == Int64(lost.count))
        #expect(pcm.count == 2 * source.count, "the recording is as long as the prompt")
        let right = stride(from: 1, to: pcm.count, by: 2).map { pcm[$0] }
        let left = stride(from: 0, to: pcm.count, by: 2).map { pcm[$0] }
        #expect(left.allSatisfy { $0 == 0 })
        let g711 = ALaw.decode(ALaw.encode(source))
        for i in 0..<150 {
            let slice = Array(right[(160 * i)..<(160 * i + 160)])
            if lost.contains(i) {
                #expect(slice.allSatisfy { $0 == 0 }, "lost frame \(i) is silence")
            } else {
                #expect(slice == Array(g711[(160 * i)..<(160 * i + 160)]), "frame \(i) is sample-exact")
            }
        }
        // The caller received the same audio transcoded to PCMU.
        #expect(toCaller.count == 150 - lost.count)
        #expect(toCaller[0] == G711Transcoder.transcode(ALaw.encode(Array(source[0..<160])), from: .pcma, to: .pcmu))
    }
}
