import NIOCore

/// Why an incoming datagram was not used.
public enum MediaDropReason: Sendable, Hashable {
    case malformedRTP(RTPParseError)
    case malformedRTCP(RTCPParseError)
    /// From an address other than the one the leg latched to.
    case unexpectedSource
    /// A payload type that was not negotiated (e.g. comfort noise).
    case unknownPayloadType(UInt8)
    /// The leg is on hold or inactive and does not expect media.
    case notReceiving
}

/// What an incoming datagram meant.
public enum MediaLegEvent: Sendable, Hashable {
    /// Audio in the leg's codec, ready for ``MediaBridge/receive(payload:from:timestamp:ssrc:arrival:)``.
    case audio(payload: [UInt8], timestamp: UInt32, ssrc: UInt32)
    /// A key press (RFC 4733 or in-band), reported once.
    case digit(DTMFEvent)
    /// RTCP from the peer.
    case rtcp([RTCPPacket])
    /// Media arrived for the first time from this address: send there from now on.
    case latched
    case dropped(MediaDropReason)
}

/// The sans-I/O state of one RTP leg: everything between the UDP socket and
/// the bridge. It parses datagrams, latches to the source (symmetric RTP),
/// keeps receive statistics, finds digits (RFC 4733, or in-band when the
/// peer did not negotiate telephone-event), watches for dead media and
/// builds the packets and RTCP reports to send. `Address` is the shell's
/// address type (`SocketAddress` for SwiftNIO).
public struct MediaLeg<Address: Hashable & Sendable>: Sendable {
    public private(set) var audio: NegotiatedAudio
    public private(set) var signalledAddress: Address
    public private(set) var latch = SymmetricRTPLatch<Address>()
    public private(set) var statistics = RTPReceiveStatistics()
    public private(set) var sender: RTPStreamSender
    public private(set) var activity: MediaActivityMonitor
    private var telephoneEvents = TelephoneEventReceiver()
    private var inband: InbandDTMFDetector?
    /// Datagrams dropped, by reason, for logs and metrics.
    public private(set) var dropped: [MediaDropReason: Int] = [:]
    public let cname: String

    /// A leg for negotiated audio; `start` is when it began expecting media.
    public init(audio: NegotiatedAudio, signalledAddress: Address, start: Duration, deadMediaTimeout: Duration = .seconds(60),
                sender: RTPStreamSender? = nil, cname: String = "hotline") {
        self.audio = audio
        self.signalledAddress = signalledAddress
        self.sender = sender ?? RTPStreamSender(payloadType: audio.payloadType)
        self.activity = MediaActivityMonitor(timeout: deadMediaTimeout, start: start)
        self.inband = audio.usesInbandDTMF ? InbandDTMFDetector() : nil
        self.cname = cname
    }

    /// Where to send: the latched address, else the address from SDP.
    public var destination: Address { latch.sendAddress(signalled: signalledAddress) }

    /// Applies a new negotiation (re-INVITE: hold, resume, codec change). The sender keeps its SSRC and sequence.
    public mutating func renegotiated(_ audio: NegotiatedAudio) {
        self.audio = audio
        sender.payloadType = audio.payloadType
        sender.startTalkspurt()
        if audio.usesInbandDTMF { if inband == nil { inband = InbandDTMFDetector() } } else { inband = nil }
    }

    /// The peer's media moved (a re-INVITE with a new `c=`/`m=` address): send to `address` and latch afresh
    /// to wherever media now arrives from. Statistics and the sender's SSRC and sequence carry on.
    public mutating func retarget(to address: Address) {
        guard address != signalledAddress else { return }
        signalledAddress = address
        latch.reset()
    }

    /// A datagram arrived from `source` at `arrival`.
    public mutating func receive(_ datagram: ByteBuffer, from source: Address, arrival: Duration) -> [MediaLegEvent] {
        datagram.withUnsafeReadableBytes { receive(bytes: $0, from: source, arrival: arrival) }
    }

    /// A datagram arrived from `source` at `arrival`.
    public mutating func receive(_ datagram: [UInt8], from source: Address, arrival: Duration) -> [MediaLegEvent] {
        datagram.withUnsafeBytes { receive(bytes: $0, from: source, arrival: arrival) }
    }

    private mutating func drop(_ reason: MediaDropReason) -> [MediaLegEvent] {
        dropped[reason, default: 0] += 1
        return [.dropped(reason)]
    }

    private mutating func receive(bytes: UnsafeRawBufferPointer, from source: Address, arrival: Duration) -> [MediaLegEvent] {
        if RTPPacket.looksLikeRTCP(bytes) {
            let packets: [RTCPPacket]
            do { packets = try RTCP.parse(bytes) } catch { return drop(.malformedRTCP(error)) }
            for case let .senderReport(_, info, _) in packets {
                statistics.receivedSenderReport(ntpTimestamp: info.ntpTimestamp, arrival: arrival)
            }
            return [.rtcp(packets)]
        }
        let packet: RTPPacket
        do { packet = try RTPPacket(parsing: bytes) } catch { return drop(.malformedRTP(error)) }
        var events: [MediaLegEvent] = []
        switch latch.decide(source: source) {
        case .refused: return drop(.unexpectedSource)
        case .latched: events.append(.latched)
        case .accepted: break
        }
        activity.mediaArrived(at: arrival)
        if packet.payloadType == audio.telephoneEventPayloadType {
            statistics.record(packet, arrival: arrival)
            if let digit = telephoneEvents.receive(payload: packet.payload, timestamp: packet.timestamp, ssrc: packet.ssrc) {
                events.append(.digit(digit))
            }
            return events
        }
        guard packet.payloadType == audio.payloadType else {
            return events + drop(.unknownPayloadType(packet.payloadType))
        }
        statistics.record(packet, arrival: arrival)
        guard audio.localDirection.receives else { return events + drop(.notReceiving) }
        events.append(.audio(payload: packet.payload, timestamp: packet.timestamp, ssrc: packet.ssrc))
        if inband != nil {
            for digit in inband!.process(packet.payload, codec: audio.codec) { events.append(.digit(digit)) }
        }
        return events
    }

    /// The packet for a frame from the bridge (nil while we may not send: hold, inactive).
    public mutating func packet(for frame: BridgeFrame) -> RTPPacket? {
        if frame.startsTalkspurt { sender.startTalkspurt() }
        if frame.skipSamples > 0 { sender.skip(samples: frame.skipSamples) }
        guard audio.localDirection.sends else {
            sender.skip(samples: frame.payload.count)
            return nil
        }
        return sender.nextPacket(payload: frame.payload)
    }

    /// The packets that send a key press, one per 20 ms tick; nil when the peer has no telephone-event
    /// (then send the digit in-band, or by SIP INFO). Call ``finishedSendingDigit(duration:)`` after the last.
    public mutating func packets(forDigit digit: DTMFDigit, duration: Duration = .milliseconds(100)) -> [RTPPacket]? {
        guard let pt = audio.telephoneEventPayloadType else { return nil }
        let start = sender.nextTimestamp
        return TelephoneEventSender.frames(for: digit, duration: duration).map {
            sender.eventPacket(payloadType: pt, payload: $0.payload, timestamp: start, marker: $0.marker)
        }
    }

    /// Moves the audio timestamp past a key press just sent.
    public mutating func finishedSendingDigit(duration: Duration = .milliseconds(100)) {
        sender.skip(samples: TelephoneEventSender.totalSamples(duration: duration))
    }

    /// Dead-media check for a timer: the silence so far the first time it passes the timeout.
    public mutating func checkMedia(now: Duration) -> Duration? {
        guard audio.localDirection.receives else { return nil }
        return activity.check(now: now)
    }

    /// A compound RTCP report: SR when we have sent media, else RR; plus SDES CNAME.
    public mutating func rtcpReport(now: Duration, unixTime: Duration) -> [UInt8] {
        let blocks = statistics.makeReportBlock(now: now).map { [$0] } ?? []
        let report: RTCPPacket = sender.packetCount > 0
            ? .senderReport(ssrc: sender.ssrc, sender: sender.senderInfo(unixTime: unixTime), reports: blocks)
            : .receiverReport(ssrc: sender.ssrc, reports: blocks)
        return RTCP.serialize([report, .sourceDescription([(ssrc: sender.ssrc, cname: cname)])])
    }

    /// A BYE for the end of the call.
    public func rtcpGoodbye() -> [UInt8] {
        RTCP.serialize([.goodbye(ssrcs: [sender.ssrc], reason: nil)])
    }
}
