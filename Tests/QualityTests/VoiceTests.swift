import Foundation
import Testing
@testable import Quality

/// Synthetic telephone audio: voiced "speech" (a harmonic tone cut into syllables)
/// over low-level noise, made in code so the tests need no recordings.
struct Synth {
    let rate: Int
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func noise() -> Float {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: seed >> 11) % 2_000_000) / 1_000_000 - 1
    }

    func silence(_ seconds: Double) -> [Float] { [Float](repeating: 0, count: Int(seconds * Double(rate))) }

    /// Adds a voiced burst from `start` to `end` at `pitch` Hz and `level` dBFS (RMS).
    func speak(_ samples: inout [Float], from start: Double, to end: Double, pitch: Double, level: Double) {
        let amplitude = Float(pow(10, level / 20) * sqrt(2) / 1.2)
        let a = Int(start * Double(rate)), b = min(samples.count, Int(end * Double(rate)))
        for i in a..<b {
            let t = Double(i) / Double(rate)
            // Syllables of 200 ms with 50 ms closures between them, as in fluent speech.
            let phase = (t - start).truncatingRemainder(dividingBy: 0.25)
            let envelope = phase < 0.2 ? min(1, phase / 0.01, (0.2 - phase) / 0.01) * (0.8 + 0.2 * sin(2 * .pi * 3 * t)) : 0.01
            var value = 0.0
            for harmonic in 1...4 { value += sin(2 * .pi * pitch * Double(harmonic) * t) / Double(harmonic) }
            samples[i] += amplitude * Float(envelope * value / 1.5)
        }
    }

    mutating func addNoise(_ samples: inout [Float], level: Double, from start: Double = 0, to end: Double? = nil) {
        let amplitude = Float(pow(10, level / 20) * sqrt(3))
        let a = Int(start * Double(rate)), b = min(samples.count, Int((end ?? Double(samples.count) / Double(rate)) * Double(rate)))
        for i in a..<b { samples[i] += amplitude * noise() }
    }
}

/// A 40-second stereo call: customer left, agent right.
/// Customer speaks 1–4 s, 10–14 s (louder, higher) and 30–34 s; agent speaks 4.5–8 s, 12.5–16 s and 36–39 s.
/// So: the agent talks over the customer 12.5–14 s, and nobody speaks 16–30 s.
func syntheticCall(rate: Int = 8000) -> AudioBuffer {
    var synth = Synth(rate: rate)
    var customer = synth.silence(40)
    var agent = synth.silence(40)
    synth.speak(&customer, from: 1, to: 4, pitch: 210, level: -26)
    synth.speak(&customer, from: 10, to: 14, pitch: 290, level: -14)
    synth.speak(&customer, from: 30, to: 34, pitch: 210, level: -26)
    synth.speak(&agent, from: 4.5, to: 8, pitch: 120, level: -24)
    synth.speak(&agent, from: 12.5, to: 16, pitch: 120, level: -24)
    synth.speak(&agent, from: 36, to: 39, pitch: 120, level: -24)
    synth.addNoise(&customer, level: -62)
    synth.addNoise(&agent, level: -60)
    return AudioBuffer(sampleRate: rate, channels: [customer, agent])
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 0.2) -> Bool { abs(a - b) <= tolerance }

@Suite struct WAVTests {
    @Test func roundTripsSixteenBitStereo() throws {
        let audio = AudioBuffer(sampleRate: 8000, channels: [[0, 0.5, -0.5, 1], [0.25, -0.25, 0, -1]])
        let data = WAVFile.encode(audio)
        #expect(data.count == 44 + 16)
        let decoded = try WAVFile.decode(data)
        #expect(decoded.sampleRate == 8000 && decoded.channels.count == 2)
        for (a, b) in zip(decoded.channels.flatMap { $0 }, audio.channels.flatMap { $0 }) { #expect(abs(a - b) < 0.0001) }
    }

    @Test func decodesG711() throws {
        // Mono 8-bit G.711 WAV files: format 7 (µ-law) and 6 (A-law).
        func decode(format: UInt8, _ codes: [UInt8]) throws -> [Float] {
            var bytes: [UInt8] = Array("RIFF".utf8) + [40, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0, format, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0]
            bytes += Array("data".utf8) + [UInt8(codes.count), 0, 0, 0] + codes
            return try WAVFile.decode(Data(bytes)).channels[0].map { ($0 * 32768).rounded() }
        }
        #expect(try decode(format: 7, [0xFF, 0x00, 0x80, 0x7F]) == [0, -32124, 32124, 0])
        #expect(try decode(format: 6, [0xD5, 0x55, 0xAA]) == [8, -8, 32256])
    }

    @Test func acceptsAnUnfinishedHeaderAndRejectsGarbage() throws {
        var data = WAVFile.encode(AudioBuffer(sampleRate: 8000, channels: [[0.5, 0.5, 0.5]]))
        data.replaceSubrange(40..<44, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try WAVFile.decode(data).channels[0].count == 3)
        #expect(throws: WAVError.self) { try WAVFile.decode(Data("not audio at all".utf8)) }
        var mp3 = WAVFile.encode(AudioBuffer(sampleRate: 8000, channels: [[0]]))
        mp3[20] = 0x55
        #expect { try WAVFile.decode(mp3) } throws: { "\($0)".contains("unsupported") }
    }
}

@Suite struct VoiceAnalysisTests {
    let analysis = VoiceAnalyzer().analyze(syntheticCall())

    @Test func findsWhoSpeaksWhen() {
        let customer = analysis.customer.speech
        let agent = analysis.agent.speech
        #expect(customer.count == 3, "\(customer)")
        #expect(agent.count == 3, "\(agent)")
        for (found, expected) in zip(customer, [(1.0, 4.0), (10.0, 14.0), (30.0, 34.0)]) {
            #expect(close(found.start, expected.0) && close(found.end, expected.1), "\(found)")
        }
        for (found, expected) in zip(agent, [(4.5, 8.0), (12.5, 16.0), (36.0, 39.0)]) {
            #expect(close(found.start, expected.0) && close(found.end, expected.1), "\(found)")
        }
        #expect(close(analysis.agent.talkTime, 10, 0.5))
        #expect(close(analysis.customer.talkTime, 11, 0.5))
    }

    @Test func findsSilenceAndOvertalk() {
        let long = analysis.silences.filter { $0.duration > 10 }
        #expect(long.count == 1)
        #expect(close(long[0].start, 16) && close(long[0].end, 30))
        #expect(long[0].after == .agent)
        let over = analysis.overtalk.filter { $0.duration > 1 }
        #expect(over.count == 1)
        #expect(over.first?.by == .agent)
        #expect(close(over.first?.duration ?? 0, 1.5, 0.3))
    }

    @Test func measuresPitchAndLoudness() throws {
        let agentPitch = try #require(analysis.agent.pitch)
        #expect(abs(agentPitch - 120) < 6, "\(agentPitch)")
        let customerFirst = try #require(analysis.customer.quarters[0].pitch)
        let customerSecond = try #require(analysis.customer.quarters[1].pitch)
        #expect(abs(customerFirst - 210) < 10, "\(customerFirst)")
        #expect(abs(customerSecond - 290) < 12, "\(customerSecond)")
        let loud = try #require(analysis.customer.quarters[1].loudness)
        let quiet = try #require(analysis.customer.quarters[0].loudness)
        #expect(loud - quiet > 9)
        #expect(analysis.agent.noiseFloor < -50)
    }

    @Test func raisedVoiceMeansArousal() throws {
        // Quarter 2 (10–20 s) holds the customer's loud, high-pitched outburst.
        let raised = try #require(analysis.customer.quarters[1].arousal)
        let calm = try #require(analysis.customer.quarters[0].arousal)
        #expect(raised > 0.6)
        #expect(calm < 0.2)
        // The agent keeps an even voice.
        #expect(analysis.agent.quarters.compactMap(\.arousal).allSatisfy { $0 < 0.3 })
    }

    @Test func adaptsToARisingNoiseFloor() {
        var synth = Synth(rate: 8000)
        var samples = synth.silence(30)
        synth.addNoise(&samples, level: -65, to: 10)
        synth.addNoise(&samples, level: -42, from: 10)   // a noisy line from 10 s on
        synth.speak(&samples, from: 3, to: 5, pitch: 150, level: -22)
        synth.speak(&samples, from: 22, to: 25, pitch: 150, level: -18)
        let analysis = VoiceAnalyzer().analyze(AudioBuffer(sampleRate: 8000, channels: [[Float](repeating: 0, count: samples.count), samples]))
        let speech = analysis.agent.speech
        #expect(speech.count == 2, "\(speech)")
        #expect(speech.allSatisfy { close($0.start, 3) || close($0.start, 22, 0.3) }, "\(speech)")
        #expect(analysis.customer.speech.isEmpty)
    }

    @Test func handlesSixteenKilohertzAndMono() throws {
        let wide = VoiceAnalyzer().analyze(syntheticCall(rate: 16000))
        #expect(wide.sampleRate == 16000)
        #expect(abs((wide.agent.pitch ?? 0) - 120) < 6)
        let mono = VoiceAnalyzer().analyze(AudioBuffer(sampleRate: 8000, channels: [syntheticCall().channels[1]]))
        #expect(mono.agent.speech.count == 3 && mono.customer.speech.isEmpty)
    }

    @Test func recordingDrivesTimingRulesAndEmotion() throws {
        let words = call(duration: 40, [("c", 1, 4, "喂，你好，我的快递一直没到。"), ("a", 4.5, 8, "您好，请问您的单号是多少？"),
                                        ("c", 10, 14, "你们到底怎么回事，太过分了！"), ("a", 12.5, 16, "您先别急，我帮您查一下。"),
                                        ("c", 30, 34, "好吧。"), ("a", 36, 39, "感谢您的来电，再见。")])
        let result = sharedInspector.inspect(transcript: words, acoustics: analysis)
        #expect(result.rules.contains("long_silence"))
        #expect(result.rules.contains("overtalk"))
        let quarter = result.emotion.customer.quarters[1]
        #expect(quarter.arousal ?? 0 > 0.6)
        #expect(quarter.score < quarter.textScore)
        #expect(quarter.label == .angry)
        #expect(result.voice?.customer.pitch != nil)
        // Without words, the recording alone still yields timing findings.
        let voiceOnly = sharedInspector.inspect(transcript: nil, acoustics: analysis, callID: "wav")
        #expect(Set(voiceOnly.rules) == ["long_silence", "overtalk"])
        #expect(voiceOnly.statistics.agentCharactersPerMinute == nil)
    }

    @Test func analyzesAFileOnDisk() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-qa-\(UUID().uuidString).wav")
        try WAVFile.encode(syntheticCall()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try await CallProcessor(inspector: sharedInspector).process(CallFile(id: "disk", recording: url))
        #expect(result.callID == "disk")
        #expect(result.rules.contains("long_silence"))
        #expect(close(result.duration, 40, 0.01))
    }
}
