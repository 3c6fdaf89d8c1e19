/// Something the prompt player can play.
public enum PromptSource: Sendable, Hashable {
    /// 8 kHz mono linear audio (a decoded WAV prompt; see ``WAVAudio/narrowbandMono()``).
    case audio([Int16])
    /// A generated tone; an endless tone plays until stopped.
    case tone(Tone)
    /// Silence of a given length.
    case silence(Duration)

    /// Length in samples, nil when endless.
    var sampleCount: Int? {
        switch self {
        case let .audio(samples): samples.count
        case let .tone(tone): tone.sampleCount
        case let .silence(d): Tone.samples(d)
        }
    }

    func samples(from start: Int, count: Int) -> [Int16] {
        switch self {
        case let .audio(s):
            let end = min(s.count, start + count)
            return start < end ? Array(s[start..<end]) + [Int16](repeating: 0, count: count - (end - start)) : [Int16](repeating: 0, count: count)
        case let .tone(tone): return tone.samples(from: start, count: count)
        case .silence: return [Int16](repeating: 0, count: count)
        }
    }
}

/// Why a playlist stopped.
public enum PromptStopReason: Sendable, Hashable {
    /// Played to the end.
    case completed
    /// A digit arrived while barge-in was allowed.
    case bargeIn(DTMFDigit)
    /// Stopped by the call layer.
    case stopped
}

/// What one tick of the player produced.
public struct PromptTickOutput: Sendable, Hashable {
    /// 20 ms frames of 160 samples to send now, oldest first (more than one when the tick was late).
    public var frames: [[Int16]]
    /// Set on the tick the playlist ended.
    public var stopped: PromptStopReason?
    /// When the first of `frames` was due, on the clock of ``PromptPlayer/tick(now:)``; frame `i` was due
    /// `i` × 20 ms later. This is where the frames belong on the call's timeline, however late the tick ran.
    public var firstFrameDue: Duration
}

/// Plays a playlist of prompts as 20 ms frames paced by an injected monotonic
/// clock. The number of frames due is computed from the start time, not
/// counted per tick, so late or early ticks never make the prompt drift:
/// after t seconds exactly t × 50 frames have been produced (late ticks get
/// the missing frames at once, up to `maxBurst`; beyond that frames are
/// skipped so the listener stays in real time).
public struct PromptPlayer: Sendable {
    public static let frameSamples = 160
    public static let frameDuration = Duration.milliseconds(20)
    /// The default ``maxBurst``: a tick up to 100 ms late catches up fully.
    public static let defaultMaxBurst = 5

    public let playlist: [PromptSource]
    /// Start the playlist again after the last item (music on hold).
    public let loops: Bool
    /// Whether a digit stops playback.
    public let allowsBargeIn: Bool
    /// Most frames returned by one tick.
    public let maxBurst: Int
    public let start: Duration

    private var item = 0
    private var offset = 0
    private var framesProduced = 0
    public private(set) var framesSkipped = 0
    public private(set) var stopReason: PromptStopReason?

    public init(playlist: [PromptSource], loops: Bool = false, allowsBargeIn: Bool = true, start: Duration, maxBurst: Int = PromptPlayer.defaultMaxBurst) {
        self.playlist = playlist
        self.loops = loops
        self.allowsBargeIn = allowsBargeIn
        self.start = start
        self.maxBurst = max(1, maxBurst)
    }

    /// True while there is more to play.
    public var isPlaying: Bool { stopReason == nil }

    /// Frames produced so far.
    public var framesPlayed: Int { framesProduced }

    /// Frames due at `now` (the frame for [k·20 ms, (k+1)·20 ms) is due at k·20 ms).
    private func framesDue(at now: Duration) -> Int {
        guard now >= start else { return 0 }
        // Integer arithmetic: 50 frames per second exactly, no rounding over hours.
        let (seconds, attoseconds) = (now - start).components
        return Int(seconds) * 50 + Int(attoseconds / 20_000_000_000_000_000) + 1
    }

    /// Call on every 20 ms tick of the media clock.
    public mutating func tick(now: Duration) -> PromptTickOutput {
        guard stopReason == nil else { return PromptTickOutput(frames: [], stopped: nil, firstFrameDue: dueTime(of: framesProduced)) }
        var due = framesDue(at: now) - framesProduced
        if due > maxBurst {
            let skip = due - maxBurst
            advance(by: skip * Self.frameSamples)
            framesProduced += skip
            framesSkipped += skip
            due = maxBurst
        }
        let firstFrameDue = dueTime(of: framesProduced)
        var frames: [[Int16]] = []
        while due > 0, stopReason == nil {
            frames.append(nextFrame())
            framesProduced += 1
            due -= 1
        }
        return PromptTickOutput(frames: frames, stopped: stopReason, firstFrameDue: firstFrameDue)
    }

    /// When frame `index` (from 0) is due.
    private func dueTime(of index: Int) -> Duration {
        start + Self.frameDuration * index
    }

    /// A digit arrived; returns true when it stopped playback (barge-in).
    public mutating func digit(_ digit: DTMFDigit) -> Bool {
        guard allowsBargeIn, stopReason == nil else { return false }
        stopReason = .bargeIn(digit)
        return true
    }

    /// Stops playback.
    public mutating func stop() {
        if stopReason == nil { stopReason = .stopped }
    }

    private mutating func nextFrame() -> [Int16] {
        var frame: [Int16] = []
        frame.reserveCapacity(Self.frameSamples)
        while frame.count < Self.frameSamples {
            guard item < playlist.count else {
                frame.append(contentsOf: repeatElement(0, count: Self.frameSamples - frame.count))
                break
            }
            let source = playlist[item]
            let remaining = source.sampleCount.map { $0 - offset } ?? Int.max
            let take = min(Self.frameSamples - frame.count, remaining)
            frame += source.samples(from: offset, count: take)
            offset += take
            if source.sampleCount.map({ offset >= $0 }) ?? false { nextItem() }
        }
        if item >= playlist.count, stopReason == nil { stopReason = .completed }
        return frame
    }

    private mutating func advance(by samples: Int) {
        var left = samples
        while left > 0, item < playlist.count {
            let remaining = playlist[item].sampleCount.map { $0 - offset } ?? Int.max
            let take = min(left, remaining)
            offset += take
            left -= take
            if playlist[item].sampleCount.map({ offset >= $0 }) ?? false { nextItem() }
        }
        if item >= playlist.count, stopReason == nil { stopReason = .completed }
    }

    private mutating func nextItem() {
        item += 1
        offset = 0
        if item >= playlist.count, loops, playlist.contains(where: { ($0.sampleCount ?? 1) > 0 }) { item = 0 }
    }
}
