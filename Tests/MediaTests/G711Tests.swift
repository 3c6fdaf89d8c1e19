import Testing
@testable import Media

/// Decision and quantized values built from the segment descriptions in
/// ITU-T G.711 Tables 1a (A-law) and 2a (µ-law), independently of the codec.
private struct SegmentTable {
    /// decision[n] ..< decision[n+1] is the input interval of magnitude code n (16-bit scale).
    var decision: [Int]
    /// The decoder output for magnitude code n (16-bit scale).
    var quantized: [Int]

    func interval(of magnitude: Int) -> Int {
        var lo = 0, hi = 127
        if magnitude >= decision[127] { return 127 }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if decision[mid] <= magnitude { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// A-law, 13-bit scale: segment 1 and 2 step 2 from 0, then steps 4...128 up to 4096; ×8 to 16-bit.
    static let aLaw: SegmentTable = {
        var d: [Int] = []
        var value = 0
        for segment in 0..<8 {
            let step = segment < 2 ? 2 : 2 << (segment - 1)
            for _ in 0..<16 { d.append(value * 8); value += step }
        }
        d.append(value * 8)
        #expect(value == 4096)
        let q: [Int] = (0..<128).map { (n: Int) -> Int in (d[n] + d[n + 1]) / 2 }
        return SegmentTable(decision: d, quantized: q)
    }()

    /// µ-law, 14-bit scale: 0, 1, 3, ... 31 (step 2), then steps 4...256 up to 8159; ×4 to 16-bit.
    static let muLaw: SegmentTable = {
        var d: [Int] = [0]
        var value = 1
        for _ in 0..<15 { d.append(value * 4); value += 2 }
        for segment in 1..<8 {
            let step = 2 << segment
            for _ in 0..<16 { d.append(value * 4); value += step }
        }
        d.append(value * 4)
        #expect(value == 8159)
        let q: [Int] = (0..<128).map { (n: Int) -> Int in n == 0 ? 0 : (d[n] + d[n + 1]) / 2 }
        return SegmentTable(decision: d, quantized: q)
    }()
}

@Suite struct G711Tests {
    @Test func muLawDecodesAll256CodeWordsPerTable2() {
        let table = SegmentTable.muLaw
        for code in 0...255 {
            let n = 127 - (code & 0x7F)
            let expected = (code & 0x80) != 0 ? table.quantized[n] : -table.quantized[n]
            #expect(Int(MuLaw.decode(UInt8(code))) == expected, "code \(code)")
            #expect(MuLaw.expand(UInt8(code)) == MuLaw.decode(UInt8(code)))
        }
        #expect(MuLaw.decode(0x80) == 32124)
        #expect(MuLaw.decode(0x00) == -32124)
        #expect(MuLaw.decode(0xFF) == 0)
        #expect(MuLaw.decode(0x7F) == 0)
    }

    @Test func aLawDecodesAll256CodeWordsPerTable1() {
        let table = SegmentTable.aLaw
        for code in 0...255 {
            let n = (code ^ 0x55) & 0x7F
            let expected = (code & 0x80) != 0 ? table.quantized[n] : -table.quantized[n]
            #expect(Int(ALaw.decode(UInt8(code))) == expected, "code \(code)")
            #expect(ALaw.expand(UInt8(code)) == ALaw.decode(UInt8(code)))
        }
        #expect(ALaw.decode(0xD5) == 8)
        #expect(ALaw.decode(0x55) == -8)
        #expect(ALaw.decode(0xAA) == 32256)
        #expect(ALaw.decode(0x2A) == -32256)
    }

    @Test func all256CodeWordsRoundTrip() {
        for code in 0...255 {
            let c = UInt8(code)
            #expect(ALaw.encode(ALaw.decode(c)) == c, "A-law \(code)")
            // µ-law has two zeros; negative zero (0x7F) re-encodes as positive zero.
            #expect(MuLaw.encode(MuLaw.decode(c)) == (c == 0x7F ? 0xFF : c), "µ-law \(code)")
        }
    }

    @Test func muLawEncodesFull16BitRangePerSegmentTable() {
        let table = SegmentTable.muLaw
        var mismatches = 0
        for raw in 0...65535 {
            let x = Int16(bitPattern: UInt16(raw))
            let negative = x < 0
            let magnitude = negative ? Int(~x) : Int(x)
            let n = table.interval(of: magnitude)
            let expected = UInt8(negative ? 0x7F - n : 0xFF - n)
            if MuLaw.encode(x) != expected || MuLaw.compress(x) != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func aLawEncodesFull16BitRangePerSegmentTable() {
        let table = SegmentTable.aLaw
        var mismatches = 0
        for raw in 0...65535 {
            let x = Int16(bitPattern: UInt16(raw))
            let negative = x < 0
            let magnitude = negative ? Int(~x) : Int(x)
            let n = table.interval(of: magnitude)
            let expected = UInt8((negative ? n : n | 0x80) ^ 0x55)
            if ALaw.encode(x) != expected || ALaw.compress(x) != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func encodeIsMonotonicInDecodedValue() {
        for codec in [AudioCodec.pcmu, .pcma] {
            var previous = Int16.min
            for raw in stride(from: -32768, through: 32767, by: 1) {
                let value = codec.decode(codec.encode([Int16(raw)]))[0]
                #expect(value >= previous || raw == -32768)
                previous = value
            }
        }
    }

    @Test func blockEncodeDecodeMatchesScalar() {
        let samples: [Int16] = [0, 1, -1, 100, -100, 32767, -32768, 1234, -4321]
        #expect(MuLaw.encode(samples) == samples.map(MuLaw.encode))
        #expect(ALaw.encode(samples) == samples.map(ALaw.encode))
        #expect(AudioCodec.pcmu.decode([0x00, 0xFF]) == [-32124, 0])
        #expect(AudioCodec.pcma.decode([0xD5]) == [8])
    }

    @Test func transcodingKeepsSignAndLevel() {
        for code in 0...255 {
            let a = UInt8(code)
            let u = G711Transcoder.transcode([a], from: .pcma, to: .pcmu)[0]
            let linearA = Int(ALaw.decode(a)), linearU = Int(MuLaw.decode(u))
            #expect(abs(linearA - linearU) <= 512, "A \(code)")
            #expect(linearA.signum() == linearU.signum() || linearU == 0)
            let back = G711Transcoder.transcode([u], from: .pcmu, to: .pcma)[0]
            #expect(abs(Int(ALaw.decode(back)) - linearA) <= 1024)
            let m = UInt8(code)
            let viaA = G711Transcoder.transcode([m], from: .pcmu, to: .pcma)[0]
            #expect(abs(Int(ALaw.decode(viaA)) - Int(MuLaw.decode(m))) <= 512, "µ \(code)")
        }
        #expect(G711Transcoder.transcode([1, 2, 3], from: .pcmu, to: .pcmu) == [1, 2, 3])
        #expect(G711Transcoder.transcode([MuLaw.silence], from: .pcmu, to: .pcma) == [ALaw.silence])
    }

    @Test func codecPayloadTypes() {
        #expect(AudioCodec(payloadType: 0) == .pcmu)
        #expect(AudioCodec(payloadType: 8) == .pcma)
        #expect(AudioCodec(payloadType: 18) == nil)
        #expect(AudioCodec.pcma.encodingName == "PCMA")
    }
}
