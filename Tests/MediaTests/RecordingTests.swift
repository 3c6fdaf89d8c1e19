import Foundation
import Testing
@testable import Media

@Suite struct StereoRecordingTests {
    private func frame(_ value: Int) -> [Int16] { [Int16](repeating: Int16(value), count: 160) }

    /// Leg audio as packets: packet k holds the value `sign * (k + 1)`.
    private struct Leg {
        var ssrc: UInt32
        var firstTimestamp: UInt32
        var startMs: Int
        var sign: Int
    }

    @Test func channelsStayAlignedWithLossReorderAndJitter() {
        var rng = SplitMix(seed: 3)
        var buffer = StereoRecordingBuffer(start: .zero)
        let caller = Leg(ssrc: 111, firstTimestamp: 4_294_960_000, startMs: 0, sign: 1) // wraps during the call
        let agent = Leg(ssrc: 222, firstTimestamp: 1234, startMs: 1000, sign: -1)
        let callMs = 5000
        var events: [(arrival: Int, channel: RecordingChannel, leg: Leg, k: Int)] = []
        var lost: [RecordingChannel: Set<Int>] = [.left: [], .right: []]
        for (channel, leg) in [(RecordingChannel.left, caller), (.right, agent)] {
            let packets = (callMs - leg.startMs) / 20
            for k in 0..<packets {
                if k > 0 && rng.next() % 20 == 0 { lost[channel]!.insert(k); continue }
                let jitter = k == 0 ? 0 : Int(rng.next() % 40)
                events.append((leg.startMs + 20 * (k + 1) + jitter, channel, leg, k))
            }
        }
        // One packet arrives a second late: too late for the recording.
        if let i = events.firstIndex(where: { $0.channel == .left && $0.k == 100 }) { events[i].arrival += 1000 }
        events.sort { $0.arrival < $1.arrival } // jitter reorders packets
        var pcm: [Int16] = []
        var nextFlush = 100
        for e in events {
            while nextFlush <= e.arrival { pcm += buffer.drain(now: .milliseconds(nextFlush)); nextFlush += 100 }
            buffer.addRTP(frame(e.leg.sign * (e.k + 1)), channel: e.channel, timestamp: e.leg.firstTimestamp &+ UInt32(160 * e.k),
                          ssrc: e.leg.ssrc, arrival: .milliseconds(e.arrival))
        }
        pcm += buffer.finish(now: .milliseconds(callMs))
        #expect(pcm.count == 2 * 8 * callMs, "both channels are exactly as long as the call")
        #expect(buffer.latePackets == 1)
        let left = stride(from: 0, to: pcm.count, by: 2).map { pcm[$0] }
        let right = stride(from: 1, to: pcm.count, by: 2).map { pcm[$0] }
        for k in 0..<(callMs / 20) {
            let expected: Int16 = lost[.left]!.contains(k) || k == 100 ? 0 : Int16(k + 1)
            #expect(left[(160 * k)..<(160 * k + 160)].allSatisfy { $0 == expected }, "caller frame \(k)")
        }
        #expect(right[0..<8000].allSatisfy { $0 == 0 })
        for k in 0..<((callMs - 1000) / 20) {
            let expected: Int16 = lost[.right]!.contains(k) ? 0 : Int16(-(k + 1))
            #expect(right[(8000 + 160 * k)..<(8000 + 160 * k + 160)].allSatisfy { $0 == expected }, "agent frame \(k)")
        }
    }

    @Test func ssrcChangeContinuesAfterEarlierAudio() {
        var buffer = StereoRecordingBuffer(start: .zero)
        for k in 0..<10 { buffer.addRTP(frame(1), channel: .left, timestamp: UInt32(160 * k), ssrc: 1, arrival: .milliseconds(20 * (k + 1))) }
        // The far end switches source (e.g. its own prompt ends): new SSRC and timestamps, arriving a little early.
        for k in 0..<10 { buffer.addRTP(frame(2), channel: .left, timestamp: 90_000 + UInt32(160 * k), ssrc: 2, arrival: .milliseconds(195 + 20 * k)) }
        let pcm = buffer.finish(now: .milliseconds(400))
        let left = stride(from: 0, to: pcm.count, by: 2).map { pcm[$0] }
        #expect(left.count == 3200)
        #expect(left[0..<1600].allSatisfy { $0 == 1 })
        #expect(left[1600..<3200].allSatisfy { $0 == 2 })
    }

    @Test func timestampJumpResyncsToArrivalTime() {
        var buffer = StereoRecordingBuffer(start: .zero)
        for k in 0..<50 { buffer.addRTP(frame(1), channel: .left, timestamp: UInt32(160 * k), ssrc: 7, arrival: .milliseconds(20 * (k + 1))) }
        // Timestamps jump 100 s ahead; arrival continues in real time.
        for k in 50..<100 { buffer.addRTP(frame(2), channel: .left, timestamp: 800_000 + UInt32(160 * k), ssrc: 7, arrival: .milliseconds(20 * (k + 1))) }
        let pcm = buffer.finish(now: .seconds(2))
        #expect(pcm.count == 2 * 16000)
        #expect(buffer.resyncs == 1)
        let left = stride(from: 0, to: pcm.count, by: 2).map { pcm[$0] }
        // The first packet after the jump is dropped as a stray; the jump is confirmed by the second.
        #expect(left[0..<8000].allSatisfy { $0 == 1 })
        #expect(left[8000..<8160].allSatisfy { $0 == 0 })
        #expect(left[8160..<16000].allSatisfy { $0 == 2 })
    }

    @Test func floodOfGarbageTimestampsStaysBounded() {
        var rng = SplitMix(seed: 11)
        var buffer = StereoRecordingBuffer(start: .zero)
        var total = 0
        for i in 0..<20000 {
            let now = Duration.microseconds(100 * i) // 2 s of flood
            buffer.addRTP(frame(3), channel: .right, timestamp: UInt32(truncatingIfNeeded: rng.next()), ssrc: UInt32(rng.next() % 3), arrival: now)
            if i % 1000 == 0 { total += buffer.drain(now: now).count }
        }
        total += buffer.finish(now: .seconds(2)).count
        // Nothing placed far beyond arrival time: the recording is as long as the flood plus at most the resync window.
        #expect(total <= 2 * (16000 + 4000 + 160))
        #expect(total >= 2 * 16000)
    }

    @Test func localPromptAudioIsContiguousDespiteTickJitter() {
        var buffer = StereoRecordingBuffer(start: .zero)
        for k in 0..<50 {
            buffer.addLocal(frame(k + 1), channel: .right, at: .milliseconds(20 * k + (k % 3) * 4))
        }
        let pcm = buffer.finish(now: .seconds(1))
        let right = stride(from: 1, to: pcm.count, by: 2).map { pcm[$0] }
        for k in 0..<50 { #expect(right[160 * k] == Int16(k + 1) && right[160 * k + 159] == Int16(k + 1)) }
    }

    @Test func recorderWritesAStereoWAVIncrementally() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("call.wav")
        let recorder = try StereoRecorder(path: path, start: .seconds(100))
        for k in 0..<150 { // 3 s
            let now = Duration.seconds(100) + .milliseconds(20 * (k + 1))
            recorder.addRTP(frame(k % 2 == 0 ? 1000 : -1000), channel: .left, timestamp: UInt32(160 * k), ssrc: 5, arrival: now)
            if k >= 50 { recorder.addRTP(frame(-7), channel: .right, timestamp: UInt32(160 * k), ssrc: 6, arrival: now) }
            if k % 10 == 9 { try recorder.flush(now: now) }
        }
        #expect(recorder.framesWritten > 20000)
        try recorder.finish(now: .seconds(103))
        let audio = try WAV.read(path: path)
        #expect(audio.channels == 2 && audio.sampleRate == 8000 && audio.format == .pcm16)
        #expect(audio.frameCount == 24000)
        #expect(audio.channel(0)[160..<320].allSatisfy { $0 == -1000 })
        #expect(audio.channel(1)[0..<8000].allSatisfy { $0 == 0 })
        #expect(audio.channel(1)[8000..<24000].allSatisfy { $0 == -7 })
    }
}

@Suite struct PromptPlayerTests {
    @Test func tenMinutePromptHasNoDriftInVirtualTime() {
        let tenMinutes = 600 * 8000
        let prompt = (0..<tenMinutes).map { Int16(truncatingIfNeeded: $0 &* 7) }
        let start = Duration.seconds(5000)
        var player = PromptPlayer(playlist: [.audio(prompt)], start: start)
        var rng = SplitMix(seed: 5)
        var played: [Int16] = []
        played.reserveCapacity(tenMinutes)
        var k = 0
        var stoppedAt: Int?
        var lastMs = 0
        while player.isPlaying {
            // Ticks wander by up to 19 ms late and now and then 70 ms late.
            let late = k % 997 == 0 ? 70 : Int(rng.next() % 20)
            let elapsedMs = max(lastMs, 20 * k + late) // a monotonic clock
            lastMs = elapsedMs
            let now = start + .milliseconds(elapsedMs)
            let out = player.tick(now: now)
            for f in out.frames { #expect(f.count == 160); played += f }
            if player.isPlaying {
                #expect(player.framesPlayed == elapsedMs / 20 + 1)
            }
            if out.stopped != nil { stoppedAt = k; #expect(out.stopped == .completed) }
            k += 1
            if k > 40000 { break }
        }
        #expect(played.count == tenMinutes)
        #expect(played == prompt)
        #expect(player.framesSkipped == 0)
        #expect(stoppedAt.map { abs($0 - 29999) <= 3 } == true)
    }

    @Test func bargeInStopsAndCanBeDisabled() {
        var player = PromptPlayer(playlist: [.tone(.chinaRingback)], start: .zero)
        #expect(player.tick(now: .zero).frames.count == 1)
        let stopped = player.digit(.one)
        #expect(stopped)
        #expect(player.stopReason == .bargeIn(.one))
        #expect(player.tick(now: .milliseconds(20)).frames.isEmpty)
        let again = player.digit(.two)
        #expect(!again)
        var locked = PromptPlayer(playlist: [.silence(.seconds(1))], allowsBargeIn: false, start: .zero)
        let lockedStopped = locked.digit(.one)
        #expect(!lockedStopped)
        #expect(locked.isPlaying)
        locked.stop()
        #expect(locked.stopReason == .stopped)
    }

    @Test func playlistPlaysItemsBackToBack() {
        var player = PromptPlayer(playlist: [.audio([Int16](repeating: 5, count: 100)), .silence(.milliseconds(10)), .audio([Int16](repeating: 9, count: 140))], start: .zero)
        let a = player.tick(now: .zero)
        let b = player.tick(now: .milliseconds(20))
        #expect(a.frames.count == 1 && b.frames.count == 1)
        #expect(a.frames[0][0..<100].allSatisfy { $0 == 5 })
        #expect(a.frames[0][100..<160].allSatisfy { $0 == 0 })
        #expect(b.frames[0][0..<20].allSatisfy { $0 == 0 })
        #expect(b.frames[0][20..<160].allSatisfy { $0 == 9 })
        #expect(b.stopped == .completed)
        #expect(!player.isPlaying)
    }

    @Test func loopingMusicOnHoldRepeats() {
        let music = (0..<400).map { Int16($0) }
        var player = PromptPlayer(playlist: [.audio(music)], loops: true, start: .zero)
        var out: [Int16] = []
        for k in 0..<20 { out += player.tick(now: .milliseconds(20 * k)).frames.flatMap { $0 } }
        #expect(player.isPlaying)
        #expect(out.count == 3200)
        #expect(Array(out[0..<400]) == music && Array(out[400..<800]) == music && Array(out[2800..<3200]) == music)
    }

    @Test func veryLateTickSkipsToRealTime() {
        var player = PromptPlayer(playlist: [.silence(.seconds(10))], start: .zero, maxBurst: 3)
        _ = player.tick(now: .zero)
        let late = player.tick(now: .milliseconds(1000))
        #expect(late.frames.count == 3)
        #expect(player.framesSkipped == 47)
        #expect(player.framesPlayed == 51)
        #expect(player.tick(now: .milliseconds(1010)).frames.isEmpty)
        #expect(player.tick(now: .milliseconds(1020)).frames.count == 1)
    }
}
