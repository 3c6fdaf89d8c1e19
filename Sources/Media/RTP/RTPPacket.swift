import NIOCore

/// Why bytes are not an RTP packet. Parsing never traps; the shell drops and counts these.
public enum RTPParseError: Error, Sendable, Hashable {
    /// Fewer than the 12 bytes of a fixed header.
    case tooShort(Int)
    /// Version field is not 2.
    case wrongVersion(UInt8)
    /// The CSRC count says more identifiers than the packet holds.
    case csrcPastEnd
    /// The header extension's length runs past the end.
    case extensionPastEnd
    /// The padding count is zero or larger than what follows the header.
    case invalidPadding
}

/// An RTP header extension (RFC 3550 §5.3.1), kept opaque.
public struct RTPHeaderExtension: Sendable, Hashable {
    public var profile: UInt16
    /// Extension data; its length is a multiple of 4 when serialized (padded with zeros).
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }
}

/// An RTP data packet (RFC 3550 §5.1). Padding is removed on parse and not written.
public struct RTPPacket: Sendable, Hashable {
    public var payloadType: UInt8
    public var marker: Bool
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    public var headerExtension: RTPHeaderExtension?
    public var payload: [UInt8]

    public init(payloadType: UInt8, marker: Bool = false, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
                csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil, payload: [UInt8]) {
        self.payloadType = payloadType & 0x7F
        self.marker = marker
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.payload = payload
    }

    /// Parses a datagram. Every length is checked before it is used.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = bytes.count
        guard count >= 12 else { throw .tooShort(count) }
        let b0 = bytes[0]
        guard b0 >> 6 == 2 else { throw .wrongVersion(b0 >> 6) }
        let hasPadding = b0 & 0x20 != 0
        let hasExtension = b0 & 0x10 != 0
        let csrcCount = Int(b0 & 0x0F)
        let b1 = bytes[1]
        var offset = 12 + 4 * csrcCount
        guard offset <= count else { throw .csrcPastEnd }
        var csrcs: [UInt32] = []
        if csrcCount > 0 {
            csrcs.reserveCapacity(csrcCount)
            for i in 0..<csrcCount { csrcs.append(bytes.readUInt32(at: 12 + 4 * i)) }
        }
        var headerExtension: RTPHeaderExtension?
        if hasExtension {
            guard offset + 4 <= count else { throw .extensionPastEnd }
            let profile = bytes.readUInt16(at: offset)
            let words = Int(bytes.readUInt16(at: offset + 2))
            let end = offset + 4 + 4 * words
            guard end <= count else { throw .extensionPastEnd }
            headerExtension = RTPHeaderExtension(profile: profile, data: Array(bytes[(offset + 4)..<end]))
            offset = end
        }
        var payloadEnd = count
        if hasPadding {
            let padding = Int(bytes[count - 1])
            guard padding > 0, padding <= count - offset else { throw .invalidPadding }
            payloadEnd -= padding
        }
        self.init(payloadType: b1 & 0x7F, marker: b1 & 0x80 != 0, sequenceNumber: bytes.readUInt16(at: 2),
                  timestamp: bytes.readUInt32(at: 4), ssrc: bytes.readUInt32(at: 8), csrcs: csrcs,
                  headerExtension: headerExtension, payload: Array(bytes[offset..<payloadEnd]))
    }

    /// Parses a datagram held in an array.
    public init(parsing bytes: [UInt8]) throws(RTPParseError) {
        self = try bytes.withUnsafeBytes { raw in Result { () throws(RTPParseError) in try RTPPacket(parsing: raw) } }.get()
    }

    /// Parses the readable bytes of a buffer (the datagram of an `AddressedEnvelope`), without consuming them.
    public init(parsing buffer: ByteBuffer) throws(RTPParseError) {
        self = try buffer.withUnsafeReadableBytes { raw in Result { () throws(RTPParseError) in try RTPPacket(parsing: raw) } }.get()
    }

    /// Serialized size in bytes.
    public var serializedCount: Int {
        12 + 4 * min(csrcs.count, 15) + (headerExtension.map { 4 + ($0.data.count + 3) / 4 * 4 } ?? 0) + payload.count
    }

    /// Appends the packet to a buffer.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: serializedCount) { write(to: $0) }
    }

    /// Writes the packet at the start of `bytes`, which holds at least ``serializedCount`` bytes, and
    /// returns how many it wrote. The one serializer: the other forms call it.
    public func write(to bytes: UnsafeMutableRawBufferPointer) -> Int {
        precondition(bytes.count >= serializedCount, "buffer too small for the RTP packet")
        let csrcCount = min(csrcs.count, 15)
        var at = 0
        func put8(_ v: UInt8) { bytes[at] = v; at += 1 }
        func put16(_ v: UInt16) { put8(UInt8(v >> 8)); put8(UInt8(truncatingIfNeeded: v)) }
        func put32(_ v: UInt32) { put16(UInt16(v >> 16)); put16(UInt16(truncatingIfNeeded: v)) }
        put8(0x80 | (headerExtension != nil ? 0x10 : 0) | UInt8(csrcCount))
        put8((marker ? 0x80 : 0) | (payloadType & 0x7F))
        put16(sequenceNumber)
        put32(timestamp)
        put32(ssrc)
        for csrc in csrcs.prefix(csrcCount) { put32(csrc) }
        if let ext = headerExtension {
            let words = (ext.data.count + 3) / 4
            put16(ext.profile)
            put16(UInt16(truncatingIfNeeded: words))
            for byte in ext.data { put8(byte) }
            for _ in ext.data.count..<(words * 4) { put8(0) }
        }
        payload.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: bytes[at..<(at + source.count)]).copyMemory(from: source)
        }
        return at + payload.count
    }

    /// The packet's bytes.
    public func serialized() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: serializedCount) { bytes, count in
            count = write(to: UnsafeMutableRawBufferPointer(bytes))
        }
    }

    /// True when a datagram on a multiplexed port looks like RTCP rather than RTP (RFC 5761 §4: packet type 192–223).
    public static func looksLikeRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && (192...223).contains(bytes[1])
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func readUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always)
    func readUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}
