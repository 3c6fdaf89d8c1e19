/// The state of one outgoing RTP stream: SSRC, sequence number and timestamp.
///
/// One sender serves a leg for the whole call, whatever feeds it (prompts,
/// the bridge, tones), so the far end sees one continuous stream. The
/// timestamp advances by the samples of every frame sent and of every frame
/// time skipped (hold, nothing to play); the first packet after a skip or a
/// change of source carries the marker bit (start of a talkspurt).
public struct RTPStreamSender: Sendable {
    public let ssrc: UInt32
    public var payloadType: UInt8
    /// Sequence number of the next packet.
    public private(set) var nextSequenceNumber: UInt16
    /// RTP timestamp of the next frame.
    public private(set) var nextTimestamp: UInt32
    /// Packets and payload octets sent, for RTCP sender reports.
    public private(set) var packetCount: UInt32 = 0
    public private(set) var octetCount: UInt32 = 0
    /// Timestamp of the last packet sent, for RTCP sender reports.
    public private(set) var lastTimestamp: UInt32
    private var markNext = true

    public init(ssrc: UInt32, payloadType: UInt8, initialSequenceNumber: UInt16, initialTimestamp: UInt32) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.nextSequenceNumber = initialSequenceNumber
        self.nextTimestamp = initialTimestamp
        self.lastTimestamp = initialTimestamp
    }

    /// A sender with random SSRC, sequence and timestamp, as RFC 3550 asks.
    public init(payloadType: UInt8) {
        var rng = SystemRandomNumberGenerator()
        self.init(ssrc: rng.next(), payloadType: payloadType, initialSequenceNumber: rng.next(), initialTimestamp: rng.next())
    }

    /// Makes the next packet carry the marker bit (a new talkspurt, e.g. the source switched from a prompt to the bridge).
    public mutating func startTalkspurt() { markNext = true }

    /// Accounts for `samples` of time in which nothing is sent (hold, silence suppression); the next packet is marked.
    public mutating func skip(samples: Int) {
        nextTimestamp &+= UInt32(truncatingIfNeeded: samples)
        markNext = true
    }

    /// The packet for the next audio frame; advances sequence and timestamp. `samples` defaults to the payload
    /// length, which is right for G.711.
    public mutating func nextPacket(payload: [UInt8], samples: Int? = nil) -> RTPPacket {
        let packet = RTPPacket(payloadType: payloadType, marker: markNext, sequenceNumber: nextSequenceNumber,
                               timestamp: nextTimestamp, ssrc: ssrc, payload: payload)
        markNext = false
        record(packet)
        nextTimestamp &+= UInt32(truncatingIfNeeded: samples ?? payload.count)
        return packet
    }

    /// A packet in this stream's sequence space with a caller-chosen timestamp and marker (RFC 4733 events,
    /// whose timestamp is the start of the event). Does not advance the media timestamp.
    public mutating func eventPacket(payloadType: UInt8, payload: [UInt8], timestamp: UInt32, marker: Bool) -> RTPPacket {
        let packet = RTPPacket(payloadType: payloadType, marker: marker, sequenceNumber: nextSequenceNumber,
                               timestamp: timestamp, ssrc: ssrc, payload: payload)
        record(packet)
        return packet
    }

    private mutating func record(_ packet: RTPPacket) {
        nextSequenceNumber &+= 1
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: packet.payload.count)
        lastTimestamp = packet.timestamp
    }
}
