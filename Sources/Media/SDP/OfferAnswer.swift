/// What this endpoint can do with audio, used to build offers and answers.
public struct MediaCapabilities: Sendable, Hashable {
    /// Codecs in order of preference.
    public var codecs: [AudioCodec]
    /// Payload type for telephone-event in our offers, or nil to not offer RFC 4733.
    public var telephoneEventPayloadType: UInt8?
    /// Packetization time we send, in milliseconds.
    public var ptime: Int

    public init(codecs: [AudioCodec] = [.pcma, .pcmu], telephoneEventPayloadType: UInt8? = 101, ptime: Int = 20) {
        self.codecs = codecs
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptime = ptime
    }
}

/// The outcome of offer/answer for the one audio stream of a call.
public struct NegotiatedAudio: Sendable, Hashable {
    /// Index of the accepted `m=` line.
    public var mediaIndex: Int
    /// The codec both sides send.
    public var codec: AudioCodec
    /// The payload type carrying `codec` (0 or 8, or a dynamic type mapped to it).
    public var payloadType: UInt8
    /// RFC 4733 telephone-event payload type, or nil when the peer did not negotiate it.
    public var telephoneEventPayloadType: UInt8?
    /// Packetization time to send, milliseconds.
    public var ptime: Int
    /// The peer's `a=ptime`, if it gave one (what it prefers to receive).
    public var remotePtime: Int?
    /// The direction of our side: whether we send and whether we expect to receive.
    public var localDirection: MediaDirection
    /// Where to send RTP (before any symmetric-RTP latching).
    public var remoteAddress: SDPConnection
    public var remotePort: Int

    public init(mediaIndex: Int = 0, codec: AudioCodec, payloadType: UInt8, telephoneEventPayloadType: UInt8?, ptime: Int = 20,
                remotePtime: Int? = nil, localDirection: MediaDirection = .sendrecv, remoteAddress: SDPConnection, remotePort: Int) {
        self.mediaIndex = mediaIndex
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptime = ptime
        self.remotePtime = remotePtime
        self.localDirection = localDirection
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    /// True when the peer has no telephone-event: detect DTMF in-band (Goertzel) instead.
    public var usesInbandDTMF: Bool { telephoneEventPayloadType == nil }
    /// True when the peer put us on hold (we may not send, or the peer gave a null address).
    public var isHeldByPeer: Bool { !localDirection.sends || remoteAddress.isNullAddress }
}

/// RFC 3264 offer/answer for one audio stream with G.711 and RFC 4733.
///
/// The negotiator is a value: it makes offers, answers offers and reads
/// answers; it never does I/O. Every error it throws is an ``SDPError``,
/// which the call layer turns into 488 Not Acceptable Here.
public struct SDPNegotiator: Sendable {
    public var capabilities: MediaCapabilities
    /// Our media address (written to `o=` and `c=`).
    public var localAddress: SDPConnection
    /// `o=` session id; keep it for the dialog's lifetime.
    public var sessionID: String
    /// `o=` version; incremented by every offer or answer that changes something.
    public private(set) var sessionVersion: UInt64

    public init(capabilities: MediaCapabilities = MediaCapabilities(), localAddress: SDPConnection,
                sessionID: String, sessionVersion: UInt64 = 1) {
        self.capabilities = capabilities
        self.localAddress = localAddress
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
    }

    private mutating func nextOrigin() -> SDPOrigin {
        defer { sessionVersion += 1 }
        return SDPOrigin(sessionID: sessionID, sessionVersion: sessionVersion, connection: localAddress)
    }

    private func audioAttributes(codecs: [(AudioCodec, UInt8)], telephoneEvent: UInt8?, direction: MediaDirection) -> [SDPAttribute] {
        var attributes = codecs.map { SDPAttribute("rtpmap", "\($0.1) \($0.0.encodingName)/8000") }
        if let te = telephoneEvent {
            attributes.append(SDPAttribute("rtpmap", "\(te) telephone-event/8000"))
            attributes.append(SDPAttribute("fmtp", "\(te) 0-16"))
        }
        attributes.append(SDPAttribute("ptime", "\(capabilities.ptime)"))
        attributes.append(SDPAttribute(direction.rawValue))
        return attributes
    }

    /// Makes an offer for one audio stream on `rtpPort`. Use `.sendonly` (or `.inactive`) to hold, `.sendrecv` to resume.
    public mutating func makeOffer(rtpPort: Int, direction: MediaDirection = .sendrecv) -> SessionDescription {
        let codecs = capabilities.codecs.map { ($0, $0.payloadType) }
        var formats = codecs.map { "\($0.1)" }
        if let te = capabilities.telephoneEventPayloadType { formats.append("\(te)") }
        let m = MediaDescription(media: "audio", port: rtpPort, proto: "RTP/AVP", formats: formats,
                                 attributes: audioAttributes(codecs: codecs, telephoneEvent: capabilities.telephoneEventPayloadType, direction: direction))
        return SessionDescription(origin: nextOrigin(), connection: localAddress, media: [m])
    }

    /// What a stream offers that we understand: codecs with their payload types, in the offer's order, and telephone-event.
    static func understood(_ m: MediaDescription) -> (codecs: [(AudioCodec, UInt8)], telephoneEvent: UInt8?) {
        let maps = m.rtpMaps
        var codecs: [(AudioCodec, UInt8)] = []
        var telephoneEvent: UInt8?
        for format in m.formats {
            guard let pt = UInt8(format), pt < 128 else { continue }
            if let map = maps.first(where: { $0.payloadType == pt }) {
                let name = map.encodingName.uppercased()
                guard map.clockRate == 8000, (map.channels ?? 1) == 1 else { continue }
                if name == "PCMU" { codecs.append((.pcmu, pt)) } else if name == "PCMA" { codecs.append((.pcma, pt)) } else if name == "TELEPHONE-EVENT", telephoneEvent == nil { telephoneEvent = pt }
            } else if let codec = AudioCodec(payloadType: pt) {
                codecs.append((codec, pt))
            }
        }
        return (codecs, telephoneEvent)
    }

    private static func isAcceptable(_ m: MediaDescription) -> Bool {
        m.media.lowercased() == "audio" && m.port != 0 && m.proto.uppercased() == "RTP/AVP"
    }

    /// Answers an offer: accepts the first audio stream with PCMU or PCMA (port `rtpPort`) and rejects every
    /// other stream with port 0, keeping the offer's order. `localDirection` is what we want (e.g. `.sendonly` while we hold).
    public mutating func answer(_ offer: SessionDescription, rtpPort: Int,
                                localDirection: MediaDirection = .sendrecv) throws(SDPError) -> (answer: SessionDescription, audio: NegotiatedAudio) {
        var chosen: NegotiatedAudio?
        var answerMedia: [MediaDescription] = []
        for (index, m) in offer.media.enumerated() {
            let (codecs, telephoneEvent) = Self.understood(m)
            guard chosen == nil, Self.isAcceptable(m), let connection = offer.connection(forMedia: index) else {
                answerMedia.append(MediaDescription(media: m.media, port: 0, proto: m.proto, formats: m.formats))
                continue
            }
            // Keep the offer's order but drop codecs we do not want; the first is what we send.
            let common = codecs.filter { capabilities.codecs.contains($0.0) }
            guard let first = common.first else {
                answerMedia.append(MediaDescription(media: m.media, port: 0, proto: m.proto, formats: m.formats))
                continue
            }
            var remoteDirection = offer.direction(forMedia: index)
            if connection.isNullAddress { remoteDirection = remoteDirection.intersection(.sendonly) }
            let direction = remoteDirection.reversed.intersection(localDirection)
            var formats = common.map { "\($0.1)" }
            if let te = telephoneEvent { formats.append("\(te)") }
            answerMedia.append(MediaDescription(media: "audio", port: rtpPort, proto: m.proto, formats: formats,
                                                attributes: audioAttributes(codecs: common, telephoneEvent: telephoneEvent, direction: direction)))
            chosen = NegotiatedAudio(mediaIndex: index, codec: first.0, payloadType: first.1,
                                     telephoneEventPayloadType: telephoneEvent, ptime: capabilities.ptime, remotePtime: m.ptime,
                                     localDirection: direction, remoteAddress: connection, remotePort: m.port)
        }
        guard let chosen else { throw .noAcceptableMedia }
        let answer = SessionDescription(origin: nextOrigin(), connection: localAddress, media: answerMedia)
        return (answer, chosen)
    }

    /// Reads the answer to an offer we made; returns the audio stream to run.
    public func process(answer: SessionDescription, to offer: SessionDescription,
                        localDirection: MediaDirection? = nil) throws(SDPError) -> NegotiatedAudio {
        guard answer.media.count == offer.media.count else {
            throw .answerDoesNotMatchOffer("\(answer.media.count) m= lines for \(offer.media.count) offered")
        }
        for (index, m) in answer.media.enumerated() where Self.isAcceptable(m) {
            let (codecs, telephoneEvent) = Self.understood(m)
            let ours = codecs.filter { capabilities.codecs.contains($0.0) }
            guard let first = ours.first, let connection = answer.connection(forMedia: index) else { continue }
            let offered = localDirection ?? offer.direction(forMedia: index)
            var remote = answer.direction(forMedia: index)
            if connection.isNullAddress { remote = remote.intersection(.sendonly) }
            return NegotiatedAudio(mediaIndex: index, codec: first.0, payloadType: first.1,
                                   telephoneEventPayloadType: telephoneEvent, ptime: capabilities.ptime, remotePtime: m.ptime,
                                   localDirection: offered.intersection(remote.reversed),
                                   remoteAddress: connection, remotePort: m.port)
        }
        throw .noAcceptableMedia
    }
}
