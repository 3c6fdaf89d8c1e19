/// How ``CallMedia`` binds and negotiates.
public struct CallMediaConfiguration: Sendable {
    /// The IP literal RTP sockets bind to, e.g. "127.0.0.1" or "0.0.0.0".
    public var bindHost: String
    /// The address written to our SDP `c=` and `o=` lines (the public address behind a NAT).
    public var advertisedAddress: String
    /// Codecs, telephone-event payload type and ptime for offers and answers.
    public var capabilities: MediaCapabilities = .init()
    /// A leg that sends no RTP for this long is reported with ``CallMediaEvent/mediaTimeout(_:)``.
    public var deadMediaTimeout: Duration = .seconds(60)
    /// Open an RTCP socket on port + 1 and send a report about every 5 s and a BYE on close.
    public var rtcp = true
    /// CNAME in RTCP source descriptions.
    public var cname = "hotline"
    /// Most 20 ms prompt frames one late tick sends at once to catch up (``PromptPlayer/maxBurst``); when the
    /// loop was held up for longer, the rest of the frames owed are skipped so the caller stays in real time.
    /// The default (100 ms) suits live calls; a large value never skips, so every frame of a prompt is sent
    /// however late the ticks run.
    public var promptCatchUpFrames = PromptPlayer.defaultMaxBurst
    /// How long the recording holds audio before writing it, so late packets still land in place
    /// (``StereoRecordingBuffer/delay``).
    public var recordingDelay: Duration = .milliseconds(200)
    /// How far a stream's RTP timestamps may stray from its packets' arrival before the recording places
    /// its audio by arrival instead (``StereoRecordingBuffer/resyncThreshold``).
    public var recordingResyncThreshold: Duration = .milliseconds(500)

    public init(bindHost: String, advertisedAddress: String) {
        self.bindHost = bindHost
        self.advertisedAddress = advertisedAddress
    }
}

/// What the media of a call tells the call layer (always on the call's event loop).
public enum CallMediaEvent: Sendable, Equatable {
    /// The caller pressed a key: from RFC 4733 packets, in-band detection, or ``CallMedia/injectDigit(_:)``
    /// (SIP INFO). Each press is reported once.
    case digit(DTMFDigit)
    /// The prompt or playlist to the caller ended: played to the end, stopped by a digit (barge-in; the digit
    /// follows as ``digit(_:)``), or stopped (``CallMedia/stopPlaying()``, replaced by another ``CallMedia/play(_:bargeIn:loop:)``,
    /// or the agent connected).
    case promptEnded(PromptStopReason)
    /// No RTP from that leg for ``CallMediaConfiguration/deadMediaTimeout`` (reported once, again only after media resumed).
    case mediaTimeout(BridgeSide)
}

/// Per-leg figures for the CDR.
public struct LegStatistics: Sendable, Equatable, Codable {
    public var packetsReceived: Int
    public var packetsSent: Int
    /// Packets lost on the way to us (RFC 3550 cumulative loss; negative with duplicates).
    public var packetsLost: Int
    /// Interarrival jitter (RFC 3550 §6.4.1), milliseconds.
    public var jitterMilliseconds: Double
    /// The longest time between two packets received, milliseconds.
    public var maxGapMilliseconds: Double

    public init(packetsReceived: Int, packetsSent: Int, packetsLost: Int, jitterMilliseconds: Double, maxGapMilliseconds: Double) {
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.maxGapMilliseconds = maxGapMilliseconds
    }

    init<Address>(_ leg: MediaLeg<Address>) {
        let s = leg.statistics.summary
        let (seconds, attoseconds) = s.maxGap.components
        self.init(packetsReceived: Int(s.packetsReceived), packetsSent: Int(leg.sender.packetCount), packetsLost: Int(s.packetsLost),
                  jitterMilliseconds: s.jitterMilliseconds,
                  maxGapMilliseconds: Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}

/// What ``CallMedia/close()`` hands back for the CDR.
public struct CallMediaSummary: Sendable, Equatable {
    /// The caller leg, nil when the call was never answered.
    public var caller: LegStatistics?
    /// The (last) agent leg, nil when no agent answered.
    public var agent: LegStatistics?
    /// The stereo recording, when one was started.
    public var recordingPath: String?
    /// Its length in seconds (both channels have it), when it was written.
    public var recordingSeconds: Double?

    public init(caller: LegStatistics? = nil, agent: LegStatistics? = nil, recordingPath: String? = nil, recordingSeconds: Double? = nil) {
        self.caller = caller
        self.agent = agent
        self.recordingPath = recordingPath
        self.recordingSeconds = recordingSeconds
    }
}

/// Why a ``CallMedia`` operation failed.
public enum CallMediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SDP could not be used: answer **488 Not Acceptable Here**.
    case sdp(SDPError)
    /// The SDP's media address is not an IP literal (or not of a family we can send to): answer 488.
    case unsupportedAddress(String)
    /// The call's media is closed.
    case closed
    /// The caller leg has not been answered yet (``CallMedia/answerCaller(offer:)``).
    case callerNotAnswered
    /// ``CallMedia/agentAnswered(_:)`` without ``CallMedia/openAgentLeg()``.
    case noAgentLeg
    /// A recording is already running.
    case alreadyRecording
    /// ``CallMedia/callerAnswered(_:)`` without an offer from ``CallMedia/offerCaller()`` waiting for it.
    case noCallerOffer

    /// True when the call layer should answer the offer with 488 Not Acceptable Here.
    public var isNotAcceptableHere: Bool {
        switch self {
        case .sdp, .unsupportedAddress: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .sdp(error): "\(error)"
        case let .unsupportedAddress(address): "SDP media address '\(address)' is not an IP address"
        case .closed: "the call's media is closed"
        case .callerNotAnswered: "the caller's offer has not been answered"
        case .noAgentLeg: "no agent leg is open"
        case .alreadyRecording: "the call is already being recorded"
        case .noCallerOffer: "no offer to the caller waits for an answer"
        }
    }
}
