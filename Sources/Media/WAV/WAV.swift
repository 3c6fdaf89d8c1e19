import Foundation

/// Sample encodings a WAV file may hold here.
public enum WAVSampleFormat: Sendable, Hashable {
    /// Linear PCM, 16 bits little-endian (format tag 1).
    case pcm16
    /// G.711 A-law (format tag 6).
    case aLaw
    /// G.711 µ-law (format tag 7).
    case muLaw

    public var formatTag: UInt16 {
        switch self {
        case .pcm16: 1
        case .aLaw: 6
        case .muLaw: 7
        }
    }

    public var bytesPerSample: Int { self == .pcm16 ? 2 : 1 }
}

/// Why a WAV file could not be used.
public enum WAVError: Error, Sendable, Hashable, CustomStringConvertible {
    case notRIFFWave
    case missingChunk(String)
    case unsupportedFormat(tag: UInt16, bitsPerSample: Int)
    case unsupportedSampleRate(Int)
    case unsupportedChannels(Int)
    case io(String)

    public var description: String {
        switch self {
        case .notRIFFWave: "not a RIFF/WAVE file"
        case let .missingChunk(name): "WAV file has no '\(name)' chunk"
        case let .unsupportedFormat(tag, bits): "WAV format tag \(tag) with \(bits) bits per sample is not PCM 16-bit, A-law or µ-law"
        case let .unsupportedSampleRate(rate): "WAV sample rate \(rate) Hz cannot be converted to 8000 Hz (rates from 8000 Hz up are supported)"
        case let .unsupportedChannels(n): "WAV file has \(n) channels"
        case let .io(what): "WAV file I/O failed: \(what)"
        }
    }
}

/// Decoded audio of a WAV file.
public struct WAVAudio: Sendable, Hashable {
    public var format: WAVSampleFormat
    public var sampleRate: Int
    public var channels: Int
    /// Linear samples, interleaved by channel.
    public var samples: [Int16]

    public init(format: WAVSampleFormat = .pcm16, sampleRate: Int = 8000, channels: Int = 1, samples: [Int16]) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Frames (samples per channel).
    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }

    /// The samples of one channel.
    public func channel(_ index: Int) -> [Int16] {
        stride(from: index, to: samples.count - (channels - 1 - index), by: channels).map { samples[$0] }
    }

    /// Mono 8 kHz audio for prompts: channels averaged, other rates converted.
    public func narrowbandMono() throws(WAVError) -> [Int16] {
        var mono = samples
        if channels > 1 {
            mono = (0..<frameCount).map { f in
                var sum = 0
                for c in 0..<channels { sum += Int(samples[f * channels + c]) }
                return Int16(sum / channels)
            }
        }
        return try Resampler.toNarrowband(mono, from: sampleRate)
    }
}

/// WAV (RIFF) parse and build.
public enum WAV {
    /// Size of the canonical header written here.
    public static let headerSize = 44

    /// Parses a WAV file. A data chunk whose size runs past the end of the file (a recording cut short)
    /// is read up to the end.
    public static func parse(_ bytes: [UInt8]) throws(WAVError) -> WAVAudio {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notRIFFWave
        }
        var offset = 12
        var fmt: (tag: UInt16, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = Int(readUInt32LE(bytes, offset + 4))
            let body = offset + 8
            let end = min(bytes.count, body + size)
            if id == "fmt " {
                guard end - body >= 16 else { throw .missingChunk("fmt ") }
                var tag = readUInt16LE(bytes, body)
                if tag == 0xFFFE, end - body >= 26 { tag = readUInt16LE(bytes, body + 24) } // WAVE_FORMAT_EXTENSIBLE
                fmt = (tag, Int(readUInt16LE(bytes, body + 2)), Int(readUInt32LE(bytes, body + 4)), Int(readUInt16LE(bytes, body + 14)))
            } else if id == "data" {
                guard let fmt else { throw .missingChunk("fmt ") }
                let format: WAVSampleFormat
                switch (fmt.tag, fmt.bits) {
                case (1, 16): format = .pcm16
                case (6, 8): format = .aLaw
                case (7, 8): format = .muLaw
                default: throw .unsupportedFormat(tag: fmt.tag, bitsPerSample: fmt.bits)
                }
                guard (1...8).contains(fmt.channels) else { throw .unsupportedChannels(fmt.channels) }
                guard fmt.rate > 0 else { throw .unsupportedSampleRate(fmt.rate) }
                let dataEnd = (size == 0 || size == 0xFFFF_FFFF) ? bytes.count : end
                let data = bytes[body..<dataEnd]
                let samples: [Int16]
                switch format {
                case .pcm16:
                    samples = (0..<(data.count / 2)).map { Int16(bitPattern: UInt16(data[body + 2 * $0]) | UInt16(data[body + 2 * $0 + 1]) << 8) }
                case .aLaw: samples = ALaw.decode(Array(data))
                case .muLaw: samples = MuLaw.decode(Array(data))
                }
                let whole = samples.count / fmt.channels * fmt.channels
                return WAVAudio(format: format, sampleRate: fmt.rate, channels: fmt.channels, samples: Array(samples.prefix(whole)))
            }
            offset = body + size + (size & 1)
        }
        throw .missingChunk(fmt == nil ? "fmt " : "data")
    }

    /// Reads and parses a WAV file.
    public static func read(path: String) throws(WAVError) -> WAVAudio {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("cannot read \(path)") }
        return try parse([UInt8](data))
    }

    /// The 44-byte header for `dataBytes` bytes of audio.
    public static func header(format: WAVSampleFormat, sampleRate: Int, channels: Int, dataBytes: Int) -> [UInt8] {
        var h: [UInt8] = []
        h.reserveCapacity(headerSize)
        h += Array("RIFF".utf8)
        appendUInt32LE(&h, UInt32(clamping: 36 + dataBytes))
        h += Array("WAVEfmt ".utf8)
        appendUInt32LE(&h, 16)
        appendUInt16LE(&h, format.formatTag)
        appendUInt16LE(&h, UInt16(channels))
        appendUInt32LE(&h, UInt32(sampleRate))
        appendUInt32LE(&h, UInt32(sampleRate * channels * format.bytesPerSample))
        appendUInt16LE(&h, UInt16(channels * format.bytesPerSample))
        appendUInt16LE(&h, UInt16(8 * format.bytesPerSample))
        h += Array("data".utf8)
        appendUInt32LE(&h, UInt32(clamping: dataBytes))
        return h
    }

    /// The data-chunk bytes for linear samples in `format`.
    public static func encodeData(_ samples: [Int16], format: WAVSampleFormat) -> [UInt8] {
        switch format {
        case .pcm16:
            var out = [UInt8](repeating: 0, count: samples.count * 2)
            for (i, s) in samples.enumerated() {
                let u = UInt16(bitPattern: s)
                out[2 * i] = UInt8(u & 0xFF)
                out[2 * i + 1] = UInt8(u >> 8)
            }
            return out
        case .aLaw: return ALaw.encode(samples)
        case .muLaw: return MuLaw.encode(samples)
        }
    }

    /// A whole WAV file.
    public static func build(_ audio: WAVAudio) -> [UInt8] {
        let data = encodeData(audio.samples, format: audio.format)
        return header(format: audio.format, sampleRate: audio.sampleRate, channels: audio.channels, dataBytes: data.count) + data
    }

    /// Writes a whole WAV file.
    public static func write(_ audio: WAVAudio, path: String) throws(WAVError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(build(audio))) else { throw .io("cannot create \(path)") }
    }

    static func readUInt16LE(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func readUInt32LE(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func appendUInt16LE(_ b: inout [UInt8], _ v: UInt16) { b += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func appendUInt32LE(_ b: inout [UInt8], _ v: UInt32) {
        b += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }
}

/// Sample-rate conversion down to 8 kHz for prompts.
public enum Resampler {
    /// Converts mono audio at `rate` (8000 Hz or more) to 8000 Hz: a moving-average low-pass over one
    /// input period of the output rate, then linear interpolation. Rates below 8000 Hz are refused.
    public static func toNarrowband(_ samples: [Int16], from rate: Int) throws(WAVError) -> [Int16] {
        if rate == 8000 { return samples }
        guard rate > 8000, rate <= 192_000 else { throw .unsupportedSampleRate(rate) }
        let ratio = Double(rate) / 8000
        let width = max(1, Int(ratio.rounded(.down)))
        // Prefix sums for the moving average.
        var prefix = [Int](repeating: 0, count: samples.count + 1)
        for (i, s) in samples.enumerated() { prefix[i + 1] = prefix[i] + Int(s) }
        func smoothed(_ i: Int) -> Double {
            let lo = max(0, i - width / 2), hi = min(samples.count, lo + width)
            return Double(prefix[hi] - prefix[lo]) / Double(max(1, hi - lo))
        }
        let outCount = Int(Double(samples.count) / ratio)
        return (0..<outCount).map { n in
            let x = Double(n) * ratio
            let i = Int(x), frac = x - Double(i)
            let a = smoothed(i), b = i + 1 < samples.count ? smoothed(i + 1) : a
            return Int16(max(-32768, min(32767, (a + (b - a) * frac).rounded())))
        }
    }
}
