import Foundation
import Testing
@testable import Media

/// Test signals generated in code.
enum Signal {
    static func silence(ms: Int) -> [Int16] { [Int16](repeating: 0, count: ms * 8) }

    static func tones(_ parts: [(frequency: Double, amplitude: Double)], ms: Int, phase: Double = 0.3) -> [Int16] {
        (0..<(ms * 8)).map { n in
            let t = Double(n) / 8000
            let v = parts.reduce(0.0) { $0 + $1.amplitude * sin(2 * .pi * $1.frequency * t + phase) }
            return Int16(max(-32768, min(32767, v.rounded())))
        }
    }

    static func dtmf(_ digit: DTMFDigit, ms: Int, amplitude: Double = 6000, highGainDB: Double = 0,
                     lowFactor: Double = 1, highFactor: Double = 1) -> [Int16] {
        let (low, high) = digit.frequencies
        return tones([(low * lowFactor, amplitude), (high * highFactor, amplitude * pow(10, highGainDB / 20))], ms: ms)
    }

    /// A voiced, speech-like signal: a gliding fundamental with 25 harmonics shaped by two moving formants.
    static func speechLike(seconds: Double, seed: UInt64 = 1) -> [Int16] {
        var rng = SplitMix(seed: seed)
        var phase = [Double](repeating: 0, count: 26)
        var out: [Int16] = []
        let count = Int(seconds * 8000)
        for n in 0..<count {
            let t = Double(n) / 8000
            let f0 = 150 + 40 * sin(2 * .pi * 3 * t) + 20 * sin(2 * .pi * 0.7 * t)
            let f1 = 500 + 300 * sin(2 * .pi * 2.1 * t), f2 = 1500 + 600 * sin(2 * .pi * 1.3 * t)
            var v = 0.0
            for h in 1...25 {
                let f = f0 * Double(h)
                guard f < 3600 else { break }
                phase[h] += 2 * .pi * f / 8000
                let gain = 1 / (1 + pow((f - f1) / 150, 2)) + 0.7 / (1 + pow((f - f2) / 250, 2)) + 0.05
                v += gain * sin(phase[h])
            }
            let envelope = 0.6 + 0.4 * sin(2 * .pi * 4 * t)
            v = v * 4000 * envelope + Double(Int64(bitPattern: rng.next() % 400) - 200)
            out.append(Int16(max(-32768, min(32767, v))))
        }
        return out
    }
}

@Suite struct InbandDTMFTests {
    private func detect(_ samples: [Int16], chunk: Int = 160) -> [DTMFDigit] {
        var detector = InbandDTMFDetector()
        var digits: [DTMFDigit] = []
        var i = 0
        while i < samples.count {
            digits += detector.process(Array(samples[i..<min(i + chunk, samples.count)])).map(\.digit)
            i += chunk
        }
        return digits
    }

    @Test func detectsEveryKeyOnceAt40ms() {
        for offset in [0, 17, 40, 79] {
            var audio = [Int16](repeating: 0, count: offset)
            for digit in DTMFDigit.allCases { audio += Signal.dtmf(digit, ms: 40) + Signal.silence(ms: 40) }
            #expect(detect(audio, chunk: 37) == DTMFDigit.allCases, "offset \(offset)")
        }
    }

    @Test func longPressIsOneDigitAndRepeatsAreTwo() {
        let press = Signal.dtmf(.five, ms: 2000)
        #expect(detect(press) == [.five])
        #expect(detect(Signal.dtmf(.five, ms: 60) + Signal.silence(ms: 50) + Signal.dtmf(.five, ms: 60)) == [.five, .five])
        #expect(detect(Signal.dtmf(.one, ms: 60) + Signal.dtmf(.two, ms: 60)) == [.one, .two])
    }

    @Test func acceptsWithinFrequencyTolerance() {
        for digit in [DTMFDigit.one, .five, .d, .zero, .pound] {
            for factor in [0.985, 1.015] {
                #expect(detect(Signal.dtmf(digit, ms: 60, lowFactor: factor, highFactor: factor)) == [digit], "\(digit) ×\(factor)")
                #expect(detect(Signal.dtmf(digit, ms: 60, lowFactor: factor, highFactor: 2 - factor)) == [digit])
            }
        }
    }

    @Test func rejectsOffFrequency() {
        for digit in [DTMFDigit.one, .five, .d, .zero, .pound] {
            for factor in [0.965, 1.035, 0.95, 1.05] {
                #expect(detect(Signal.dtmf(digit, ms: 100, lowFactor: factor)).isEmpty, "\(digit) low ×\(factor)")
                #expect(detect(Signal.dtmf(digit, ms: 100, highFactor: factor)).isEmpty, "\(digit) high ×\(factor)")
            }
        }
    }

    @Test func rejectsTooShort() {
        for offset in [0, 20, 40, 60] {
            let audio = Signal.silence(ms: 0) + [Int16](repeating: 0, count: offset) + Signal.dtmf(.seven, ms: 20) + Signal.silence(ms: 60)
            #expect(detect(audio).isEmpty, "offset \(offset)")
        }
    }

    @Test func twistLimits() {
        #expect(detect(Signal.dtmf(.eight, ms: 60, highGainDB: -7)) == [.eight])
        #expect(detect(Signal.dtmf(.eight, ms: 60, highGainDB: 3)) == [.eight])
        #expect(detect(Signal.dtmf(.eight, ms: 60, highGainDB: -10)).isEmpty)
        #expect(detect(Signal.dtmf(.eight, ms: 60, highGainDB: 6)).isEmpty)
    }

    @Test func rejectsQuietSingleToneAndSpeech() {
        #expect(detect(Signal.dtmf(.three, ms: 100, amplitude: 100)).isEmpty)
        #expect(detect(Signal.tones([(697, 6000)], ms: 200)).isEmpty)
        #expect(detect(Signal.tones([(1209, 6000)], ms: 200)).isEmpty)
        for seed in 1...3 { #expect(detect(Signal.speechLike(seconds: 3, seed: UInt64(seed))).isEmpty) }
        // Three tones: a key plus a third tone of the same level is not DTMF.
        #expect(detect(Signal.tones([(770, 6000), (1336, 6000), (1000, 6000)], ms: 100)).isEmpty)
    }

    @Test func detectsThroughG711AndOverSpeechPause() {
        var detector = InbandDTMFDetector()
        let audio = Signal.speechLike(seconds: 0.5) + Signal.silence(ms: 30) + Signal.dtmf(.nine, ms: 50, amplitude: 3000) + Signal.silence(ms: 30)
        var digits: [DTMFEvent] = []
        for codec in [AudioCodec.pcmu, .pcma] {
            var i = 0
            while i + 160 <= audio.count {
                digits += detector.process(codec.encode(Array(audio[i..<(i + 160)])), codec: codec)
                i += 160
            }
        }
        #expect(digits.map(\.digit) == [.nine, .nine])
        #expect(digits.allSatisfy { $0.source == .inband })
    }

    @Test func goertzelMeasuresLevel() {
        let tone = Signal.tones([(1000, 1000)], ms: 20).map(Float.init)
        let power = tone.withUnsafeBufferPointer { GoertzelFilter(frequency: 1000).power($0) }
        #expect(abs(GoertzelFilter.level(power: power, count: 160) - 500_000) < 10_000)
    }
}

@Suite struct TelephoneEventTests {
    private func payload(_ event: UInt8, end: Bool = false, duration: UInt16) -> [UInt8] {
        TelephoneEventPayload(event: event, isEnd: end, volume: 10, duration: duration).bytes
    }

    @Test func oneDigitPerEventDespiteRedundantEnds() {
        var r = TelephoneEventReceiver()
        var digits: [DTMFDigit] = []
        func feed(_ p: [UInt8], _ ts: UInt32) { if let e = r.receive(payload: p, timestamp: ts) { digits.append(e.digit) } }
        feed(payload(1, duration: 160), 1000)
        feed(payload(1, duration: 320), 1000)
        feed(payload(1, end: true, duration: 800), 1000)
        feed(payload(1, end: true, duration: 800), 1000)
        feed(payload(1, end: true, duration: 800), 1000)
        feed(payload(1, duration: 160), 5000) // the same key pressed again
        feed(payload(1, end: true, duration: 480), 5000)
        feed(payload(11, end: true, duration: 480), 9000) // only end packets arrived
        feed(payload(11, end: true, duration: 480), 9000)
        feed(payload(1, end: true, duration: 800), 1000) // late duplicate of the first
        #expect(digits == [.one, .one, .pound])
    }

    @Test func longPressAcrossSegmentsIsOneDigit() {
        var r = TelephoneEventReceiver()
        #expect(r.receive(payload: payload(5, duration: 65535), timestamp: 0)?.digit == .five)
        #expect(r.receive(payload: payload(5, duration: 8000), timestamp: 65535) == nil)
        #expect(r.receive(payload: payload(5, end: true, duration: 16000), timestamp: 65535) == nil)
        #expect(r.receive(payload: payload(5, duration: 160), timestamp: 100_000)?.digit == .five)
    }

    @Test func newSSRCForgetsTheEventInProgress() {
        var r = TelephoneEventReceiver()
        #expect(r.receive(payload: payload(2, duration: 160), timestamp: 50_000, ssrc: 1)?.digit == .two)
        // The peer restarted its stream with lower timestamps: still a new press.
        #expect(r.receive(payload: payload(2, duration: 160), timestamp: 100, ssrc: 2)?.digit == .two)
        #expect(r.receive(payload: payload(2, end: true, duration: 480), timestamp: 100, ssrc: 2) == nil)
    }

    @Test func ignoresShortAndNonDTMFEvents() {
        var r = TelephoneEventReceiver()
        #expect(r.receive(payload: [1, 2], timestamp: 0) == nil)
        #expect(r.receive(payload: payload(16, duration: 160), timestamp: 0) == nil) // flash
    }

    @Test func senderFramesAndReceiverAgree() {
        let frames = TelephoneEventSender.frames(for: .star, duration: .milliseconds(100))
        #expect(frames.count == 4 + 3)
        #expect(frames.map(\.marker) == [true, false, false, false, false, false, false])
        let parsed = frames.compactMap { TelephoneEventPayload($0.payload) }
        #expect(parsed.map(\.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(parsed.map(\.isEnd) == [false, false, false, false, true, true, true])
        #expect(Set(parsed.map(\.event)) == [10])
        #expect(TelephoneEventSender.totalSamples(duration: .milliseconds(100)) == 800)
        var r = TelephoneEventReceiver()
        let got = frames.compactMap { r.receive(payload: $0.payload, timestamp: 4242) }
        #expect(got.map(\.digit) == [.star])
        #expect(got.first?.source == .telephoneEvent)
    }
}

@Suite struct DTMFRelayTests {
    @Test func parsesSignalAndDuration() throws {
        let e = try DTMFRelay.parse("Signal=5\r\nDuration=160\r\n")
        #expect(e == DTMFEvent(digit: .five, source: .sipInfo, duration: .milliseconds(160)))
        #expect(try DTMFRelay.parse("signal = #\nduration= 250").digit == .pound)
        #expect(try DTMFRelay.parse("Signal=10\r\n").digit == .star)
        #expect(try DTMFRelay.parse("Signal=11\r\n").duration == .milliseconds(100))
        #expect(try DTMFRelay.parse("Signal=d").digit == .d)
        #expect(try DTMFRelay.parse(DTMFRelay.body(for: .seven, duration: .milliseconds(200))) ==
            DTMFEvent(digit: .seven, source: .sipInfo, duration: .milliseconds(200)))
    }

    @Test func rejectsBadBodies() {
        #expect(throws: DTMFRelayError.missingSignal) { try DTMFRelay.parse("Duration=160") }
        #expect(throws: DTMFRelayError.unknownSignal("X")) { try DTMFRelay.parse("Signal=X") }
        #expect(throws: DTMFRelayError.unknownSignal("12")) { try DTMFRelay.parse("Signal=12") }
        #expect(throws: DTMFRelayError.badDuration("-5")) { try DTMFRelay.parse("Signal=1\nDuration=-5") }
    }

    @Test func digitCharacters() {
        #expect(DTMFDigit.allCases.map { String($0.character) }.joined() == "0123456789*#ABCD")
        #expect(DTMFDigit.allCases.allSatisfy { DTMFDigit(character: $0.character) == $0 })
        #expect(DTMFDigit.zero.frequencies == (941, 1336))
    }
}
