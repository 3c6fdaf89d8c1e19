import Foundation
import Media

/// Decoded audio: one array of samples in −1…1 per channel.
public struct AudioBuffer: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: [[Float]]

    public init(sampleRate: Int, channels: [[Float]]) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Length in seconds.
    public var duration: Double {
        guard sampleRate > 0 else { return 0 }
        return Double(channels.first?.count ?? 0) / Double(sampleRate)
    }
}

/// A WAV file that cannot be read, with the reason.
public struct WAVError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var description: String { message }
}

/// Reads and writes RIFF/WAVE files: PCM 8/16/24/32-bit, 32/64-bit float, G.711 A-law and µ-law,
/// and WAVE_FORMAT_EXTENSIBLE wrappers of these.
public enum WAVFile {
    /// Decodes a WAV file held in memory.
    public static func decode(_ data: Data) throws -> AudioBuffer {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw WAVError(message: "not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (code: Int, channels: Int, rate: Int, bits: Int)?
        var dataRange: Range<Int>?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "data" && (size == 0 || size == 0xFFFF_FFFF || body + size > bytes.count) {
                size = bytes.count - body // a recorder that never finalised the header
            }
            guard body + size <= bytes.count else { throw WAVError(message: "chunk `\(id)` runs past the end of the file") }
            if id == "fmt " {
                guard size >= 16 else { throw WAVError(message: "`fmt ` chunk too short") }
                var code = u16(body)
                if code == 0xFFFE && size >= 26 { code = u16(body + 24) }
                format = (code, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                dataRange = body..<(body + size)
            }
            offset = body + size + (size & 1)
        }
        guard let format else { throw WAVError(message: "no `fmt ` chunk") }
        guard let dataRange else { throw WAVError(message: "no `data` chunk") }
        guard format.channels > 0, format.rate > 0 else { throw WAVError(message: "invalid channel count or sample rate") }
        let sampleBytes: Int
        switch (format.code, format.bits) {
        case (1, 8), (6, 8), (7, 8): sampleBytes = 1
        case (1, 16): sampleBytes = 2
        case (1, 24): sampleBytes = 3
        case (1, 32), (3, 32): sampleBytes = 4
        case (3, 64): sampleBytes = 8
        default: throw WAVError(message: "unsupported WAV encoding (format \(format.code), \(format.bits) bits)")
        }
        let frameBytes = sampleBytes * format.channels
        let frames = dataRange.count / frameBytes
        var channels = [[Float]](repeating: [Float](repeating: 0, count: frames), count: format.channels)
        // G.711 is expanded with the media engine's tables (bit-exact with ITU-T G.191).
        let aLaw = ALaw.decodeTable, muLaw = MuLaw.decodeTable
        bytes.withUnsafeBufferPointer { raw in
            for channel in 0..<format.channels {
                channels[channel].withUnsafeMutableBufferPointer { out in
                    var at = dataRange.lowerBound + channel * sampleBytes
                    for frame in 0..<frames {
                        let value: Float
                        switch (format.code, sampleBytes) {
                        case (1, 1): value = (Float(raw[at]) - 128) / 128
                        case (6, 1): value = Float(aLaw[Int(raw[at])]) / 32768
                        case (7, 1): value = Float(muLaw[Int(raw[at])]) / 32768
                        case (_, 2): value = Float(Int16(bitPattern: UInt16(raw[at]) | UInt16(raw[at + 1]) << 8)) / 32768
                        case (_, 3):
                            let v = Int32(bitPattern: UInt32(raw[at]) << 8 | UInt32(raw[at + 1]) << 16 | UInt32(raw[at + 2]) << 24) >> 8
                            value = Float(v) / 8_388_608
                        case (1, 4):
                            let v = Int32(bitPattern: UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24)
                            value = Float(Double(v) / 2_147_483_648)
                        case (3, 4):
                            value = Float(bitPattern: UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24)
                        default:
                            var bits: UInt64 = 0
                            for k in 0..<8 { bits |= UInt64(raw[at + k]) << (8 * UInt64(k)) }
                            value = Float(Double(bitPattern: bits))
                        }
                        out[frame] = value
                        at += frameBytes
                    }
                }
            }
        }
        return AudioBuffer(sampleRate: format.rate, channels: channels)
    }

    /// Reads a WAV file.
    public static func read(contentsOf url: URL) throws -> AudioBuffer {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw WAVError(message: "\(url.path): cannot read: \(error.localizedDescription)") }
        do { return try decode(data) } catch let error as WAVError { throw WAVError(message: "\(url.path): \(error.message)") }
    }

    /// Encodes audio as 16-bit PCM WAV.
    public static func encode(_ audio: AudioBuffer) -> Data {
        let channels = audio.channels.count
        let frames = audio.channels.first?.count ?? 0
        let dataSize = frames * channels * 2
        var out = [UInt8]()
        out.reserveCapacity(44 + dataSize)
        func put16(_ v: Int) { out.append(UInt8(v & 0xFF)); out.append(UInt8((v >> 8) & 0xFF)) }
        func put32(_ v: Int) { put16(v & 0xFFFF); put16((v >> 16) & 0xFFFF) }
        out += Array("RIFF".utf8); put32(36 + dataSize); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); put32(16); put16(1); put16(channels); put32(audio.sampleRate)
        put32(audio.sampleRate * channels * 2); put16(channels * 2); put16(16)
        out += Array("data".utf8); put32(dataSize)
        for frame in 0..<frames {
            for channel in 0..<channels {
                let sample = max(-1, min(1, audio.channels[channel][frame]))
                put16(Int(Int16(clamping: Int((sample * 32767).rounded()))) & 0xFFFF)
            }
        }
        return Data(out)
    }
}
