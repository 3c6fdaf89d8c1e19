import Foundation
import Testing
@testable import Media

/// Two endpoints, two legs and a bridge, in virtual time: each endpoint plays a known WAV, packets are lost and
/// reordered on the way, and the stereo recording must hold each party's audio sample-exact (after G.711), in
/// place, with silence where packets were lost, on channels exactly as long as the call.
@Suite struct PipelineTests {
    struct Endpoint {
        var player: PromptPlayer
        var sender: RTPStreamSender
        var codec: AudioCodec
    }

    @Test func twoLegCallRecordedInStereo() throws {
        let dir = try TemporaryDirectory()
        let seconds = 4
        let callerVoice = (0..<(8000 * seconds)).map { Int16(7000 * sin(2 * Double.pi * 200 * Double($0) / 8000) + Double($0 % 97) * 20) }
        let agentVoice = (0..<(8000 * (seconds - 1))).map { Int16(-6000 * sin(2 * Double.pi * 330 * Double($0) / 8000) - Double($0 % 89) * 30) }
        try WAV.write(WAVAudio(format: .muLaw, samples: callerVoice), path: dir.file("caller.wav"))
        try WAV.write(WAVAudio(samples: agentVoice), path: dir.file("agent.wav"))

        // The agent answers 1 s into the call.
        var caller = Endpoint(player: PromptPlayer(playlist: [.audio(try WAV.read(path: dir.file("caller.wav")).narrowbandMono())], start: .zero),
                              sender: RTPStreamSender(ssrc: 0xC0, payloadType: 0, initialSequenceNumber: 65530, initialTimestamp: 77), codec: .pcmu)
        var agent = Endpoint(player: PromptPlayer(playlist: [.audio(try WAV.read(path: dir.file("agent.wav")).narrowbandMono())], start: .seconds(1)),
                             sender: RTPStreamSender(ssrc: 0xA0, payloadType: 8, initialSequenceNumber: 1, initialTimestamp: 4_294_967_000), codec: .pcma)

        func audio(_ codec: AudioCodec, port: Int) -> NegotiatedAudio {
            NegotiatedAudio(codec: codec, payloadType: codec.payloadType, telephoneEventPayloadType: 101,
                            remoteAddress: SDPConnection(address: "127.0.0.1"), remotePort: port)
        }
        var callerLeg = MediaLeg(audio: audio(.pcmu, port: 4000), signalledAddress: "caller", start: .zero)
        var agentLeg = MediaLeg(audio: audio(.pcma, port: 4002), signalledAddress: "agent", start: .seconds(1))
        var bridge = MediaBridge(callerCodec: .pcmu, agentCodec: .pcma)
        let recorder = try StereoRecorder(path: dir.file("call.wav"), start: .zero)

        // The network: datagrams in flight with their arrival time (ms).
        var inFlight: [(arrival: Int, to: BridgeSide, bytes: [UInt8], index: Int)] = []
        var heardByCaller: [UInt8] = [], heardByAgent: [UInt8] = []
        var lostCaller: Set<Int> = [], lostAgent: Set<Int> = []
        var sent = [0, 0]
        for tick in 0..<(50 * seconds) {
            let nowMs = 20 * tick
            let now = Duration.milliseconds(nowMs)
            // Endpoints send; every 23rd packet is lost, every 7th is 30 ms late (reordered).
            for side in BridgeSide.allCases {
                var endpoint = side == .caller ? caller : agent
                for frame in endpoint.player.tick(now: now).frames {
                    let index = sent[side.rawValue]
                    sent[side.rawValue] += 1
                    let bytes = endpoint.sender.nextPacket(payload: endpoint.codec.encode(frame)).serialized()
                    if index % 23 == 22 {
                        if side == .caller { lostCaller.insert(index) } else { lostAgent.insert(index) }
                        continue
                    }
                    inFlight.append((nowMs + 20 + (index % 7 == 3 ? 30 : 0), side, bytes, index))
                }
                if side == .caller { caller = endpoint } else { agent = endpoint }
            }
            // Deliver what has arrived, in arrival order.
            inFlight.sort { $0.arrival < $1.arrival }
            while let first = inFlight.first, first.arrival <= nowMs {
                inFlight.removeFirst()
                let arrival = Duration.milliseconds(first.arrival)
                let events = first.to == .caller
                    ? callerLeg.receive(first.bytes, from: "caller", arrival: arrival)
                    : agentLeg.receive(first.bytes, from: "agent", arrival: arrival)
                for case let .audio(payload, timestamp, ssrc) in events {
                    let actions = bridge.receive(payload: payload, from: first.to, timestamp: timestamp, ssrc: ssrc, arrival: arrival)
                    for item in actions.tap {
                        if case let .rtp(ts, s, at) = item.timing { recorder.addRTP(item.samples, channel: item.channel, timestamp: ts, ssrc: s, arrival: at) }
                    }
                    for frame in actions.frames {
                        let leg = frame.side == .caller ? callerLeg.packet(for: frame) : agentLeg.packet(for: frame)
                        guard let out = leg else { continue }
                        let parsed = try RTPPacket(parsing: out.serialized())
                        if frame.side == .caller { heardByCaller += parsed.payload } else { heardByAgent += parsed.payload }
                    }
                }
            }
            if tick % 10 == 9 { try recorder.flush(now: now) }
        }
        try recorder.finish(now: .seconds(seconds))
        // Loss the receivers can see (gaps before the last packet received); packets still in flight at the end never arrived.
        let visibleLoss = (caller: lostCaller.count, agent: lostAgent.count)
        for p in inFlight {
            if p.to == .caller { lostCaller.insert(p.index) } else { lostAgent.insert(p.index) }
        }
        #expect(inFlight.count <= 4)

        let wav = try WAV.read(path: dir.file("call.wav"))
        #expect(wav.channels == 2 && wav.sampleRate == 8000)
        #expect(wav.frameCount == 8000 * seconds, "both channels are as long as the call")
        let left = wav.channel(0), right = wav.channel(1)
        let callerG711 = MuLaw.decode(MuLaw.encode(callerVoice)), agentG711 = ALaw.decode(ALaw.encode(agentVoice))
        var leftExact = 0, rightExact = 0
        for k in 0..<(50 * seconds) {
            let frame = Array(left[(160 * k)..<(160 * k + 160)])
            if lostCaller.contains(k) || k >= sent[0] {
                #expect(frame.allSatisfy { $0 == 0 }, "caller frame \(k) lost: silence")
            } else {
                #expect(frame == Array(callerG711[(160 * k)..<(160 * k + 160)]), "caller frame \(k)")
                leftExact += 1
            }
        }
        #expect(right[0..<8000].allSatisfy { $0 == 0 }, "the agent's first second is silent")
        for k in 0..<(50 * (seconds - 1)) {
            let frame = Array(right[(8000 + 160 * k)..<(8000 + 160 * k + 160)])
            if lostAgent.contains(k) {
                #expect(frame.allSatisfy { $0 == 0 }, "agent frame \(k) lost: silence")
            } else {
                #expect(frame == Array(agentG711[(160 * k)..<(160 * k + 160)]), "agent frame \(k)")
                rightExact += 1
            }
        }
        #expect(leftExact > 180 && rightExact > 130)
        #expect(callerLeg.statistics.summary.packetsLost == Int64(visibleLoss.caller))
        #expect(agentLeg.statistics.summary.packetsLost == Int64(visibleLoss.agent))
        // Each party heard the other transcoded, every packet that arrived.
        #expect(heardByAgent.count == 160 * (sent[0] - lostCaller.count))
        #expect(heardByCaller.count == 160 * (sent[1] - lostAgent.count))
        #expect(Array(heardByAgent.prefix(160)) == G711Transcoder.transcode(MuLaw.encode(Array(callerVoice[0..<160])), from: .pcmu, to: .pcma))
    }
}
