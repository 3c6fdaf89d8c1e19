/// A stereo call recording (caller left, agent right, PCM 16-bit 8 kHz)
/// written incrementally to a WAV file.
///
/// IVR-only calls are recorded the same way: stereo, caller on the left and
/// what the system played (prompts, tones) on the right; a channel with
/// nothing on it is silent. The shell feeds audio as it arrives, calls
/// ``flush(now:)`` every few hundred milliseconds and ``finish(now:)`` when
/// the call ends. File I/O blocks: run it off the event loop.
public final class StereoRecorder {
    public private(set) var buffer: StereoRecordingBuffer
    private let writer: WAVFileWriter

    public init(path: String, start: Duration, delay: Duration = .milliseconds(200)) throws(WAVError) {
        buffer = StereoRecordingBuffer(start: start, delay: delay)
        writer = try WAVFileWriter(path: path, format: .pcm16, sampleRate: 8000, channels: 2)
    }

    public var path: String { writer.path }
    /// Frames (stereo sample pairs) written so far.
    public var framesWritten: Int { writer.framesWritten }

    /// RTP audio of one leg, decoded to linear.
    public func addRTP(_ samples: [Int16], channel: RecordingChannel, timestamp: UInt32, ssrc: UInt32, arrival: Duration) {
        buffer.addRTP(samples, channel: channel, timestamp: timestamp, ssrc: ssrc, arrival: arrival)
    }

    /// Locally generated audio (a prompt) played at `time`.
    public func addLocal(_ samples: [Int16], channel: RecordingChannel, at time: Duration) {
        buffer.addLocal(samples, channel: channel, at: time)
    }

    /// Writes what is ready.
    public func flush(now: Duration) throws(WAVError) {
        try writer.write(buffer.drain(now: now))
    }

    /// Writes the rest and finalizes the header.
    public func finish(now: Duration) throws(WAVError) {
        try writer.write(buffer.finish(now: now))
        try writer.finalize()
    }
}
