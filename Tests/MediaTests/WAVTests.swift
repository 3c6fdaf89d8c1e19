import Foundation
import Testing
@testable import Media

/// A temporary directory removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-media-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct WAVTests {
    let ramp: [Int16] = (0..<800).map { Int16(truncatingIfNeeded: $0 * 80 - 32000) }

    @Test func pcm16RoundTripAndHeader() throws {
        let bytes = WAV.build(WAVAudio(samples: ramp))
        #expect(bytes.count == 44 + 1600)
        #expect(Array(bytes[0..<4]) == Array("RIFF".utf8))
        #expect(WAV.readUInt32LE(bytes, 4) == 36 + 1600)
        #expect(WAV.readUInt32LE(bytes, 24) == 8000)
        #expect(WAV.readUInt32LE(bytes, 28) == 16000)
        #expect(WAV.readUInt32LE(bytes, 40) == 1600)
        let parsed = try WAV.parse(bytes)
        #expect(parsed == WAVAudio(samples: ramp))
    }

    @Test func g711RoundTrip() throws {
        for format in [WAVSampleFormat.muLaw, .aLaw] {
            let bytes = WAV.build(WAVAudio(format: format, samples: ramp))
            #expect(bytes.count == 44 + 800)
            #expect(WAV.readUInt16LE(bytes, 20) == format.formatTag)
            let parsed = try WAV.parse(bytes)
            #expect(parsed.format == format)
            let codec: AudioCodec = format == .muLaw ? .pcmu : .pcma
            #expect(parsed.samples == codec.decode(codec.encode(ramp)))
        }
    }

    @Test func skipsOtherChunksAndReadsTruncatedData() throws {
        var bytes = WAV.build(WAVAudio(samples: ramp))
        // Insert an odd-sized LIST chunk (with its pad byte) before data.
        let list: [UInt8] = Array("LIST".utf8) + [3, 0, 0, 0, 1, 2, 3, 0]
        bytes.insert(contentsOf: list, at: 36)
        #expect(try WAV.parse(bytes).samples == ramp)
        // Cut short: the data chunk claims more than the file has.
        let cut = Array(bytes.prefix(bytes.count - 101))
        #expect(try WAV.parse(cut).samples == Array(ramp.prefix(ramp.count - 51)))
    }

    @Test func randomMutationsNeverCrash() {
        var rng = SplitMix(seed: 5)
        let base = WAV.build(WAVAudio(channels: 2, samples: ramp))
        for _ in 0..<3000 {
            var bytes = Array(base.prefix(Int(rng.next() % UInt64(base.count + 1))))
            for _ in 0..<Int(rng.next() % 4) where !bytes.isEmpty {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            if let audio = try? WAV.parse(bytes) { _ = try? audio.narrowbandMono() }
        }
    }

    @Test func errors() {
        #expect(throws: WAVError.notRIFFWave) { try WAV.parse(Array("hello world!".utf8)) }
        var float = WAV.header(format: .pcm16, sampleRate: 8000, channels: 1, dataBytes: 0)
        float[20] = 3; float[34] = 32
        #expect(throws: WAVError.unsupportedFormat(tag: 3, bitsPerSample: 32)) { try WAV.parse(float) }
        #expect(throws: WAVError.missingChunk("fmt ")) { try WAV.parse(Array("RIFF\0\0\0\0WAVE".utf8)) }
        #expect(throws: WAVError.unsupportedSampleRate(6000)) { try WAVAudio(sampleRate: 6000, samples: ramp).narrowbandMono() }
        #expect(!WAVError.unsupportedSampleRate(6000).description.isEmpty)
    }

    @Test func convertsRatesAndChannelsForPrompts() throws {
        let tone16k = (0..<16000).map { Int16(10000 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let narrow = try WAVAudio(sampleRate: 16000, samples: tone16k).narrowbandMono()
        #expect(narrow.count == 8000)
        let expected = (0..<8000).map { 10000 * sin(2 * Double.pi * 440 * Double($0) / 8000) }
        // Close to the same tone at 8 kHz (moving average attenuates 440 Hz only slightly).
        let error = zip(narrow, expected).map { abs(Double($0) - $1) }.max()!
        #expect(error < 1500)
        let rate441 = try WAVAudio(sampleRate: 44100, samples: [Int16](repeating: 1000, count: 44100)).narrowbandMono()
        #expect(rate441.count == 8000)
        #expect(rate441.allSatisfy { $0 == 1000 })
        let stereo = WAVAudio(channels: 2, samples: [100, 300, -100, -300])
        #expect(try stereo.narrowbandMono() == [200, -200])
        #expect(stereo.channel(1) == [300, -300])
    }

    @Test func fileWriterIncrementalAndRepair() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("call.wav")
        let writer = try WAVFileWriter(path: path, channels: 2)
        try writer.write([1, 2, 3, 4])
        try writer.write([5, 6])
        #expect(writer.framesWritten == 3)
        // Before finalizing, sizes say zero: what a crash leaves. Reading takes the data to the end.
        #expect(try WAV.read(path: path).samples == [1, 2, 3, 4, 5, 6])
        try writer.finalize()
        let audio = try WAV.read(path: path)
        #expect(audio.channels == 2 && audio.samples == [1, 2, 3, 4, 5, 6])
        #expect(try WAVRepair.repair(path: path) == .intact)

        // A crashed file: header with zero sizes and a torn last frame.
        let crashed = dir.file("crashed.wav")
        let body = WAV.encodeData([10, 20, 30, 40, 50], format: .pcm16) // 2.5 stereo frames
        FileManager.default.createFile(atPath: crashed, contents: Data(WAV.header(format: .pcm16, sampleRate: 8000, channels: 2, dataBytes: 0) + body))
        #expect(try WAVRepair.repair(path: crashed) == .repaired(dataBytes: 8))
        let bytes = [UInt8](FileManager.default.contents(atPath: crashed)!)
        #expect(bytes.count == 52)
        #expect(WAV.readUInt32LE(bytes, 4) == 44)
        #expect(WAV.readUInt32LE(bytes, 40) == 8)
        #expect(try WAV.parse(bytes).samples == [10, 20, 30, 40])
        #expect(try WAVRepair.repair(path: crashed) == .intact)
        #expect(throws: WAVError.self) { try WAVRepair.repair(path: dir.file("missing.wav")) }
    }
}

@Suite struct ToneTests {
    private func onRanges(_ samples: [Int16]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        // A run of zeros longer than 2 samples separates bursts.
        var zeros = 0
        for (i, s) in samples.enumerated() {
            if s != 0 {
                if start == nil { start = i }
                zeros = 0
            } else if let st = start {
                zeros += 1
                if zeros > 2 { ranges.append(st..<(i - zeros + 1)); start = nil }
            }
        }
        if let st = start { ranges.append(st..<samples.count) }
        return ranges
    }

    @Test func chineseRingbackCadence() {
        let ten = Tone.chinaRingback.samples(from: 0, count: 80000)
        let bursts = onRanges(ten)
        #expect(bursts.count == 2)
        #expect(bursts.allSatisfy { abs($0.count - 8000) <= 2 })
        #expect(abs(bursts[1].lowerBound - 40000) <= 2)
        // 450 Hz: 450 cycles in the first second (count rising zero crossings).
        let crossings = (1..<8000).filter { ten[$0 - 1] < 0 && ten[$0] >= 0 }.count
        #expect(abs(crossings - 450) <= 1)
    }

    @Test func chineseBusyCadence() {
        let bursts = onRanges(Tone.chinaBusy.samples(from: 0, count: 8000 * 7 / 10 * 3))
        #expect(bursts.count == 3)
        #expect(bursts.allSatisfy { abs($0.count - 2800) <= 2 })
        #expect(abs(bursts[1].lowerBound - 5600) <= 2)
    }

    @Test func beepEnds() {
        let beep = Tone.beep.samples(from: 0, count: 3200)
        #expect(Tone.beep.sampleCount == 1600)
        #expect(beep[1600...].allSatisfy { $0 == 0 })
        #expect(beep[..<1600].contains { $0 > 7000 })
    }

    @Test func longTonesKeepPhase() {
        // An hour in, the tone equals the tone at the same phase of the first second.
        let t = Tone(frequencies: [450], on: .seconds(1))
        #expect(t.samples(from: 8000 * 3600 + 123, count: 160) == t.samples(from: 123, count: 160))
    }
}
