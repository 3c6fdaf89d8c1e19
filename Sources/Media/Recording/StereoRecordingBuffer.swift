/// A channel of a stereo call recording.
public enum RecordingChannel: Int, Sendable, Hashable {
    /// The caller.
    case left = 0
    /// The agent (or, for IVR-only calls, what the system played to the caller).
    case right = 1
}

/// Places the audio of two legs on one timeline and hands out interleaved
/// stereo PCM in order, with silence wherever a leg had nothing (loss, gaps,
/// hold). Sans-I/O: the recorder writes what ``drain(now:)`` returns.
///
/// The timeline is the shell's monotonic clock from `start`, at 8 kHz.
/// RTP audio is placed by its timestamp relative to an anchor taken from
/// arrival time at the first packet of each source (SSRC), so jitter and
/// reordering do not move it, and loss leaves silence of the right length.
/// When timestamps stray from arrival time by more than `resyncThreshold`
/// (a timestamp jump, a restarted source) the channel re-anchors. Audio is
/// held for `delay` so late packets still land in place; anything later is
/// dropped and counted. Both channels therefore always have the same length,
/// the length of the call.
public struct StereoRecordingBuffer: Sendable {
    public let sampleRate: Int
    public let start: Duration
    public let delay: Duration
    public let resyncThreshold: Duration

    private struct Anchor: Sendable {
        var ssrc: UInt32
        var timestamp: UInt32
        var position: Int
    }

    private var anchors: [Anchor?] = [nil, nil]
    /// Consecutive packets per channel whose timestamps disagree with arrival time.
    private var strays = [0, 0]
    /// End position of the latest audio placed per channel.
    private var channelEnd = [0, 0]
    /// Position of the first sample not yet drained.
    public private(set) var drainedPosition = 0
    /// Samples not yet drained, from `drainedPosition` on; both channels always have the same length.
    private var pendingLeft: [Int16] = []
    private var pendingRight: [Int16] = []
    /// Packets dropped because their place was already written, or because they strayed from arrival time.
    public private(set) var latePackets = 0
    /// Times a channel re-anchored because timestamps strayed from arrival.
    public private(set) var resyncs = 0

    public init(start: Duration, sampleRate: Int = 8000, delay: Duration = .milliseconds(200),
                resyncThreshold: Duration = .milliseconds(500)) {
        self.start = start
        self.sampleRate = sampleRate
        self.delay = delay
        self.resyncThreshold = resyncThreshold
    }

    func position(of time: Duration) -> Int {
        let (s, a) = (time - start).components
        return Int(s) * sampleRate + Int(a / (1_000_000_000_000_000_000 / Int64(sampleRate)))
    }

    private var delaySamples: Int { position(of: start + delay) }
    private var resyncSamples: Int { position(of: start + resyncThreshold) }

    /// Adds decoded RTP audio received on `channel`.
    public mutating func addRTP(_ samples: [Int16], channel: RecordingChannel, timestamp: UInt32, ssrc: UInt32, arrival: Duration) {
        let c = channel.rawValue
        let arrivalPosition = position(of: arrival) - samples.count
        var placed: Int
        if let anchor = anchors[c], anchor.ssrc == ssrc {
            placed = anchor.position + Int(Int32(bitPattern: timestamp &- anchor.timestamp))
            if abs(placed - arrivalPosition) > resyncSamples {
                // One stray packet (very late, or garbage) is dropped; a second in a row means the timestamps jumped.
                strays[c] += 1
                guard strays[c] >= 2 else {
                    latePackets += 1
                    return
                }
                resyncs += 1
                placed = reanchor(c, ssrc: ssrc, timestamp: timestamp, arrivalPosition: arrivalPosition)
            }
            strays[c] = 0
        } else {
            strays[c] = 0
            placed = reanchor(c, ssrc: ssrc, timestamp: timestamp, arrivalPosition: arrivalPosition)
        }
        place(samples, channel: c, at: placed)
    }

    private mutating func reanchor(_ c: Int, ssrc: UInt32, timestamp: UInt32, arrivalPosition: Int) -> Int {
        // Continue right after earlier audio of this channel when the new source starts a little early
        // (never more than two frames ahead of arrival, so a flood of new sources cannot run ahead).
        var position = max(arrivalPosition, drainedPosition)
        if channelEnd[c] > position && channelEnd[c] <= arrivalPosition + 320 { position = channelEnd[c] }
        anchors[c] = Anchor(ssrc: ssrc, timestamp: timestamp, position: position)
        return position
    }

    /// Adds audio produced locally (prompts, tones) for `channel`, played out at `time`.
    /// Consecutive frames are kept contiguous despite tick jitter.
    public mutating func addLocal(_ samples: [Int16], channel: RecordingChannel, at time: Duration) {
        let c = channel.rawValue
        var placed = position(of: time)
        // Snap to the end of the channel's previous audio, if it has any (not to the start of the recording).
        if channelEnd[c] > 0, abs(placed - channelEnd[c]) <= samples.count { placed = channelEnd[c] }
        place(samples, channel: c, at: placed)
    }

    private mutating func place(_ samples: [Int16], channel c: Int, at position: Int) {
        guard !samples.isEmpty else { return }
        guard position >= drainedPosition else {
            latePackets += 1
            return
        }
        let offset = position - drainedPosition
        let needed = offset + samples.count
        if pendingLeft.count < needed {
            Self.extend(&pendingLeft, to: needed)
            Self.extend(&pendingRight, to: needed)
        }
        if c == 0 { Self.copy(samples, into: &pendingLeft, at: offset) } else { Self.copy(samples, into: &pendingRight, at: offset) }
        channelEnd[c] = max(channelEnd[c], position + samples.count)
    }

    /// 20 ms of silence, to extend the pending audio by copying rather than sample by sample.
    private static let silence = [Int16](repeating: 0, count: 160)

    private static func extend(_ channel: inout [Int16], to count: Int) {
        while channel.count < count {
            channel.append(contentsOf: silence[..<min(silence.count, count - channel.count)])
        }
    }

    private static func copy(_ samples: [Int16], into channel: inout [Int16], at offset: Int) {
        channel.withUnsafeMutableBufferPointer { target in
            samples.withUnsafeBufferPointer { source in
                _ = UnsafeMutableBufferPointer(rebasing: target[offset..<(offset + source.count)]).update(fromContentsOf: source)
            }
        }
    }

    /// Interleaved stereo samples (L, R, L, R, ...) for the timeline up to `now - delay`.
    public mutating func drain(now: Duration) -> [Int16] {
        drain(to: position(of: now) - delaySamples)
    }

    /// Everything up to `now` (and any audio placed beyond it): call once when the call ends.
    public mutating func finish(now: Duration) -> [Int16] {
        drain(to: max(position(of: now), drainedPosition + pendingLeft.count))
    }

    private mutating func drain(to end: Int) -> [Int16] {
        let count = end - drainedPosition
        guard count > 0 else { return [] }
        let available = min(count, pendingLeft.count)
        let out = [Int16](unsafeUninitializedCapacity: 2 * count) { out, initialized in
            pendingLeft.withUnsafeBufferPointer { left in
                pendingRight.withUnsafeBufferPointer { right in
                    for i in 0..<available {
                        out[2 * i] = left[i]
                        out[2 * i + 1] = right[i]
                    }
                }
            }
            // Silence past what either leg delivered.
            for i in (2 * available)..<(2 * count) { out[i] = 0 }
            initialized = 2 * count
        }
        pendingLeft.removeFirst(available)
        pendingRight.removeFirst(available)
        drainedPosition = end
        return out
    }
}
