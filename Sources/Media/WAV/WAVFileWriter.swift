import Foundation

/// Writes a WAV file incrementally through a `FileHandle`: a header with
/// zero sizes first, audio appended as it comes, sizes filled in by
/// ``finalize()``. A file whose writer never finalized (a crash) is fixed by
/// ``WAVRepair/repair(path:)``. File I/O blocks: the shell calls this off the event loop.
public final class WAVFileWriter {
    public let path: String
    public let format: WAVSampleFormat
    public let sampleRate: Int
    public let channels: Int
    private let handle: FileHandle
    /// Bytes of audio written so far.
    public private(set) var dataBytes = 0
    public private(set) var isFinalized = false

    public init(path: String, format: WAVSampleFormat = .pcm16, sampleRate: Int = 8000, channels: Int = 1) throws(WAVError) {
        // One open(2) that creates or truncates the file (owner read/write, group read: recordings are
        // personal data), not a temporary file renamed into place.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .io("cannot create \(path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        self.path = path
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.handle = handle
        do {
            try handle.write(contentsOf: WAV.header(format: format, sampleRate: sampleRate, channels: channels, dataBytes: 0))
        } catch { throw .io("\(error)") }
    }

    /// Frames written (samples per channel).
    public var framesWritten: Int { dataBytes / (format.bytesPerSample * channels) }

    /// Appends interleaved linear samples.
    public func write(_ samples: [Int16]) throws(WAVError) {
        guard !samples.isEmpty else { return }
        let bytes = WAV.encodeData(samples, format: format)
        do { try handle.write(contentsOf: bytes) } catch { throw .io("\(error)") }
        dataBytes += bytes.count
    }

    /// Writes the final sizes into the header and closes the file. Idempotent.
    public func finalize() throws(WAVError) {
        guard !isFinalized else { return }
        isFinalized = true
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: WAV.header(format: format, sampleRate: sampleRate, channels: channels, dataBytes: dataBytes))
            try handle.close()
        } catch { throw .io("\(error)") }
    }

    deinit {
        if !isFinalized { try? handle.close() }
    }
}

/// Fixes the header of a WAV file whose writer stopped before finalizing.
public enum WAVRepair {
    public enum Outcome: Sendable, Hashable {
        /// The sizes already matched the file.
        case intact
        /// The sizes were rewritten; the data chunk now holds this many bytes.
        case repaired(dataBytes: Int)
    }

    /// Rewrites the RIFF and data sizes from the file's length (trimmed to whole frames).
    public static func repair(path: String) throws(WAVError) -> Outcome {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw .io("cannot open \(path)") }
        defer { try? handle.close() }
        do {
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let head = [UInt8](try handle.read(upToCount: 4096) ?? Data())
            guard head.count >= 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WAVE".utf8) else { throw WAVError.notRIFFWave }
            var offset = 12
            var blockAlign = 1
            while offset + 8 <= head.count {
                let id = String(decoding: head[offset..<(offset + 4)], as: UTF8.self)
                let size = Int(WAV.readUInt32LE(head, offset + 4))
                if id == "fmt ", offset + 8 + 14 <= head.count {
                    blockAlign = max(1, Int(WAV.readUInt16LE(head, offset + 8 + 12)))
                }
                if id == "data" {
                    let dataStart = offset + 8
                    let available = max(0, fileSize - dataStart)
                    let dataBytes = available / blockAlign * blockAlign
                    let riffSize = dataStart - 8 + dataBytes
                    if size == dataBytes && Int(WAV.readUInt32LE(head, 4)) == riffSize && dataBytes == available { return .intact }
                    var riff: [UInt8] = [], data: [UInt8] = []
                    WAV.appendUInt32LE(&riff, UInt32(clamping: riffSize))
                    WAV.appendUInt32LE(&data, UInt32(clamping: dataBytes))
                    try handle.seek(toOffset: 4)
                    try handle.write(contentsOf: riff)
                    try handle.seek(toOffset: UInt64(offset + 4))
                    try handle.write(contentsOf: data)
                    if dataBytes != available { try handle.truncate(atOffset: UInt64(dataStart + dataBytes)) }
                    return .repaired(dataBytes: dataBytes)
                }
                offset += 8 + size + (size & 1)
            }
            throw WAVError.missingChunk("data")
        } catch let error as WAVError {
            throw error
        } catch {
            throw .io("\(error)")
        }
    }
}
