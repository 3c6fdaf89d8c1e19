/// The two legs of a bridged call.
public enum BridgeSide: Int, Sendable, Hashable, CaseIterable {
    case caller = 0
    case agent = 1

    public var other: BridgeSide { self == .caller ? .agent : .caller }
    /// Caller on the left, agent on the right.
    public var recordingChannel: RecordingChannel { self == .caller ? .left : .right }
}

/// What a leg hears.
/// One value for each side of a bridge, held inline (a two-element array would be a heap object of its own,
/// one more cache miss for every relayed packet).
public struct BridgePair<Value> {
    public var caller: Value
    public var agent: Value

    public init(caller: Value, agent: Value) {
        self.caller = caller
        self.agent = agent
    }

    public init(repeating value: Value) {
        self.init(caller: value, agent: value)
    }

    public subscript(side: BridgeSide) -> Value {
        get { side == .caller ? caller : agent }
        _modify {
            switch side {
            case .caller: yield &caller
            case .agent: yield &agent
            }
        }
    }
}

extension BridgePair: Sendable where Value: Sendable {}

public enum LegSource: Sendable {
    /// The other leg's audio.
    case peer
    /// Silence (a silent frame every tick, so the stream and NAT bindings stay alive).
    case silence
    /// A prompt, tone or music on hold.
    case player(PromptPlayer)
}

/// A frame to send to a leg; the shell wraps it with that leg's ``RTPStreamSender``.
public struct BridgeFrame: Sendable, Hashable {
    public var side: BridgeSide
    /// Payload in the leg's codec.
    public var payload: [UInt8]
    /// The leg's source changed before this frame: call ``RTPStreamSender/startTalkspurt()`` first (marker bit).
    public var startsTalkspurt: Bool
    /// Samples lost upstream just before this relayed frame: call ``RTPStreamSender/skip(samples:)`` first, so
    /// the relayed stream's timestamps keep the source's timing (RFC 3550 translator behaviour).
    public var skipSamples: Int = 0
}

/// Audio for the recording tap, to hand to ``StereoRecordingBuffer`` or ``StereoRecorder``.
public struct RecordingTapItem: Sendable, Hashable {
    public enum Timing: Sendable, Hashable {
        /// Received RTP: place by timestamp.
        case rtp(timestamp: UInt32, ssrc: UInt32, arrival: Duration)
        /// Played locally at this time.
        case local(at: Duration)
    }

    public var channel: RecordingChannel
    public var samples: [Int16]
    public var timing: Timing
}

/// What the bridge asks the shell to do.
public struct BridgeActions: Sendable {
    public var frames: [BridgeFrame] = []
    public var tap: [RecordingTapItem] = []
    /// Prompts that ended, with why; the leg went back to what it heard before.
    public var promptsEnded: [(side: BridgeSide, reason: PromptStopReason)] = []

    public init() {}
}

/// The sans-I/O core of a call's media: relays audio between the caller and
/// the agent (transcoding PCMU/PCMA when their codecs differ), plays prompts
/// or music to either leg while the other hears silence, the peer or music,
/// holds and resumes, and taps what each party says for the recording
/// (caller left, agent right). Before an agent is connected (IVR), what is
/// played to the caller is tapped on the right channel.
///
/// The shell calls ``receive(payload:from:timestamp:ssrc:arrival:)`` for each
/// audio packet (after latching and statistics), ``tick(now:)`` every 20 ms,
/// and ``digit(_:from:)`` for each DTMF event; it sends the frames and feeds
/// the tap to the recorder.
public struct MediaBridge: Sendable {
    // Per-side state is held inline, so a relayed packet touches no small heap arrays.
    private var codecs: BridgePair<AudioCodec?>
    private var sources = BridgePair<LegSource>(repeating: .silence)
    /// What a leg returns to when its prompt ends.
    private var afterPrompt = BridgePair<LegSource>(repeating: .silence)
    private var switched = BridgePair(repeating: true)
    public private(set) var isHeld = false
    /// The last packet received from each leg, to see upstream loss.
    private var lastReceived = BridgePair<(ssrc: UInt32, timestamp: UInt32, samples: Int)?>(repeating: nil)
    /// Larger timestamp steps are a restart, not loss (one second).
    static let maxRelayedGap = 8000

    /// A bridge for a caller; connect the agent later with ``connectAgent(codec:)``.
    public init(callerCodec: AudioCodec, agentCodec: AudioCodec? = nil) {
        codecs = BridgePair(caller: callerCodec, agent: agentCodec)
        if agentCodec != nil {
            sources = BridgePair(repeating: .peer)
            afterPrompt = BridgePair(repeating: .peer)
        }
    }

    /// The codec of a leg, nil when the leg is not connected.
    public func codec(of side: BridgeSide) -> AudioCodec? { codecs[side] }

    /// Whether a leg hears the other leg.
    public func hearsPeer(_ side: BridgeSide) -> Bool {
        if case .peer = sources[side] { return true }
        return false
    }

    /// Whether a leg is hearing a prompt.
    public func isPlaying(to side: BridgeSide) -> Bool {
        if case .player = sources[side] { return true }
        return false
    }

    /// Connects the agent leg and bridges both legs (any prompt playing is stopped).
    public mutating func connectAgent(codec: AudioCodec) {
        codecs[.agent] = codec
        setSource(.peer, for: .caller)
        setSource(.peer, for: .agent)
    }

    /// Disconnects the agent leg (the agent hung up or did not answer): the caller hears silence unless a
    /// prompt is playing to it, in which case it hears silence when the prompt ends.
    public mutating func disconnectAgent() {
        codecs[.agent] = nil
        sources[.agent] = .silence
        afterPrompt = BridgePair(repeating: .silence)
        lastReceived[.agent] = nil
        if !isPlaying(to: .caller) { setSource(.silence, for: .caller) }
        isHeld = false
    }

    /// Changes a leg's codec (after a re-INVITE).
    public mutating func setCodec(_ codec: AudioCodec, for side: BridgeSide) {
        codecs[side] = codec
    }

    /// Sets what a leg hears.
    public mutating func setSource(_ source: LegSource, for side: BridgeSide) {
        sources[side] = source
        if case .player = source {} else { afterPrompt[side] = source }
        switched[side] = true
    }

    /// Plays a prompt to a leg; when it ends the leg goes back to what it heard before.
    public mutating func play(_ player: PromptPlayer, to side: BridgeSide) {
        sources[side] = .player(player)
        switched[side] = true
    }

    /// Puts the caller on hold: the caller hears `music` (or silence), the agent silence.
    public mutating func hold(music: PromptPlayer? = nil) {
        isHeld = true
        setSource(.silence, for: .agent)
        setSource(.silence, for: .caller)
        if let music { play(music, to: .caller) }
    }

    /// Takes the call off hold: both legs hear each other again.
    public mutating func resume() {
        isHeld = false
        setSource(.peer, for: .caller)
        setSource(.peer, for: .agent)
    }

    /// An audio packet's payload arrived from `side` (in that leg's codec).
    public mutating func receive(payload: [UInt8], from side: BridgeSide, timestamp: UInt32, ssrc: UInt32, arrival: Duration) -> BridgeActions {
        var actions = BridgeActions()
        guard let codec = codecs[side] else { return actions }
        actions.tap.append(RecordingTapItem(channel: side.recordingChannel, samples: codec.decode(payload),
                                            timing: .rtp(timestamp: timestamp, ssrc: ssrc, arrival: arrival)))
        // Upstream loss: the timestamp advanced by more than the previous packet's samples.
        var gap = 0
        if let last = lastReceived[side], last.ssrc == ssrc {
            let delta = Int(Int32(bitPattern: timestamp &- last.timestamp))
            if delta > last.samples && delta - last.samples <= Self.maxRelayedGap { gap = delta - last.samples }
            if delta <= 0 { gap = -1 } // reordered or repeated: relay without moving the timeline
        }
        if gap >= 0 { lastReceived[side] = (ssrc, timestamp, payload.count) }
        let target = side.other
        if case .peer = sources[target], let targetCodec = codecs[target] {
            var out = frame(G711Transcoder.transcode(payload, from: codec, to: targetCodec), to: target)
            out.skipSamples = max(0, gap)
            actions.frames.append(out)
        }
        return actions
    }

    /// The 20 ms tick: frames for legs hearing prompts or silence.
    public mutating func tick(now: Duration) -> BridgeActions {
        var actions = BridgeActions()
        for side in BridgeSide.allCases {
            guard let codec = codecs[side] else { continue }
            switch sources[side] {
            case .peer:
                continue
            case .silence:
                actions.frames.append(frame([UInt8](repeating: codec.silenceByte, count: PromptPlayer.frameSamples), to: side))
            case var .player(player):
                let output = player.tick(now: now)
                for (i, samples) in output.frames.enumerated() {
                    actions.frames.append(frame(codec.encode(samples), to: side))
                    if side == .caller, codecs[.agent] == nil {
                        // Tapped where the frame belongs (when it was due), so a prompt is recorded whole and
                        // contiguous however late the ticks ran.
                        let at = output.firstFrameDue + PromptPlayer.frameDuration * i
                        actions.tap.append(RecordingTapItem(channel: .right, samples: samples, timing: .local(at: at)))
                    }
                }
                if let reason = output.stopped {
                    actions.promptsEnded.append((side, reason))
                    sources[side] = afterPrompt[side]
                    switched[side] = true
                } else {
                    sources[side] = .player(player)
                }
            }
        }
        return actions
    }

    /// A digit from `side`: barges in on a prompt that leg is hearing, if the prompt allows it.
    public mutating func digit(_ digit: DTMFDigit, from side: BridgeSide) -> BridgeActions {
        var actions = BridgeActions()
        guard case var .player(player) = sources[side] else { return actions }
        if player.digit(digit) {
            actions.promptsEnded.append((side, .bargeIn(digit)))
            sources[side] = afterPrompt[side]
            switched[side] = true
        } else {
            sources[side] = .player(player)
        }
        return actions
    }

    private mutating func frame(_ payload: [UInt8], to side: BridgeSide) -> BridgeFrame {
        defer { switched[side] = false }
        return BridgeFrame(side: side, payload: payload, startsTalkspurt: switched[side])
    }
}
