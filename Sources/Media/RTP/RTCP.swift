import NIOCore

/// Why bytes are not an RTCP compound packet.
public enum RTCPParseError: Error, Sendable, Hashable {
    case tooShort
    case wrongVersion(UInt8)
    /// A packet's length field runs past the end of the datagram.
    case lengthPastEnd
    /// A report count does not fit the packet's length.
    case countPastEnd
}

/// A reception report block (RFC 3550 §6.4.1).
public struct RTCPReportBlock: Sendable, Hashable {
    public var ssrc: UInt32
    /// Fraction of packets lost since the last report, in 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed on the wire).
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP time of the last SR received (LSR).
    public var lastSenderReport: UInt32
    /// Delay since that SR in 1/65536 s (DLSR).
    public var delaySinceLastSenderReport: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32, jitter: UInt32,
                lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }
}

/// The sender information of an SR.
public struct RTCPSenderInfo: Sendable, Hashable {
    /// 64-bit NTP timestamp (seconds since 1900 in the high 32 bits).
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32

    public init(ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }

    /// NTP time for a wall-clock time given as an offset from the Unix epoch.
    public static func ntpTimestamp(sinceUnixEpoch time: Duration) -> UInt64 {
        let (seconds, attoseconds) = time.components
        let ntpSeconds = UInt64(seconds + 2_208_988_800)
        let fraction = UInt64((Double(attoseconds) / 1e18) * 4_294_967_296.0)
        return ntpSeconds << 32 | min(fraction, 0xFFFF_FFFF)
    }
}

/// One RTCP packet of a compound datagram.
public enum RTCPPacket: Sendable, Hashable {
    case senderReport(ssrc: UInt32, sender: RTCPSenderInfo, reports: [RTCPReportBlock])
    case receiverReport(ssrc: UInt32, reports: [RTCPReportBlock])
    /// SDES with the CNAME of each chunk (other items are skipped).
    case sourceDescription([(ssrc: UInt32, cname: String)])
    case goodbye(ssrcs: [UInt32], reason: String?)
    /// Any other packet type, kept as its body after the 4-byte header.
    case other(packetType: UInt8, count: UInt8, body: [UInt8])

    public static func == (lhs: RTCPPacket, rhs: RTCPPacket) -> Bool {
        switch (lhs, rhs) {
        case let (.senderReport(a, b, c), .senderReport(d, e, f)): a == d && b == e && c == f
        case let (.receiverReport(a, b), .receiverReport(c, d)): a == c && b == d
        case let (.sourceDescription(a), .sourceDescription(b)): a.map(\.ssrc) == b.map(\.ssrc) && a.map(\.cname) == b.map(\.cname)
        case let (.goodbye(a, b), .goodbye(c, d)): a == c && b == d
        case let (.other(a, b, c), .other(d, e, f)): a == d && b == e && c == f
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .senderReport(s, _, _), let .receiverReport(s, _): hasher.combine(s)
        case let .sourceDescription(c): hasher.combine(c.count)
        case let .goodbye(s, _): hasher.combine(s)
        case let .other(t, _, _): hasher.combine(t)
        }
    }
}

/// RTCP compound packet parse and build (RFC 3550 §6).
public enum RTCP {
    /// Parses a compound datagram. Never traps on malformed input.
    public static func parse(_ bytes: [UInt8]) throws(RTCPParseError) -> [RTCPPacket] {
        try bytes.withUnsafeBytes { raw in Result { () throws(RTCPParseError) in try parse(raw) } }.get()
    }

    /// Parses the readable bytes of a buffer.
    public static func parse(_ buffer: ByteBuffer) throws(RTCPParseError) -> [RTCPPacket] {
        try buffer.withUnsafeReadableBytes { raw in Result { () throws(RTCPParseError) in try parse(raw) } }.get()
    }

    public static func parse(_ b: UnsafeRawBufferPointer) throws(RTCPParseError) -> [RTCPPacket] {
        guard b.count >= 4 else { throw .tooShort }
        var packets: [RTCPPacket] = []
        var offset = 0
        while offset + 4 <= b.count {
            let version = b[offset] >> 6
            guard version == 2 else { throw .wrongVersion(version) }
            let count = b[offset] & 0x1F
            let hasPadding = b[offset] & 0x20 != 0
            let type = b[offset + 1]
            let end = offset + 4 + 4 * Int(b.readUInt16(at: offset + 2))
            guard end <= b.count else { throw .lengthPastEnd }
            var bodyEnd = end
            if hasPadding {
                let padding = Int(b[end - 1])
                guard padding > 0, padding <= end - offset - 4 else { throw .lengthPastEnd }
                bodyEnd -= padding
            }
            let body = offset + 4
            func reports(at start: Int) throws(RTCPParseError) -> [RTCPReportBlock] {
                guard start + 24 * Int(count) <= bodyEnd else { throw .countPastEnd }
                return (0..<Int(count)).map { i in
                    let o = start + 24 * i
                    let lost24 = Int32(b[o + 5]) << 16 | Int32(b[o + 6]) << 8 | Int32(b[o + 7])
                    return RTCPReportBlock(ssrc: b.readUInt32(at: o), fractionLost: b[o + 4],
                                           cumulativeLost: lost24 & 0x80_0000 != 0 ? lost24 - 0x100_0000 : lost24,
                                           extendedHighestSequence: b.readUInt32(at: o + 8), jitter: b.readUInt32(at: o + 12),
                                           lastSenderReport: b.readUInt32(at: o + 16), delaySinceLastSenderReport: b.readUInt32(at: o + 20))
                }
            }
            switch type {
            case 200:
                guard body + 24 <= bodyEnd else { throw .countPastEnd }
                let info = RTCPSenderInfo(ntpTimestamp: UInt64(b.readUInt32(at: body + 4)) << 32 | UInt64(b.readUInt32(at: body + 8)),
                                          rtpTimestamp: b.readUInt32(at: body + 12), packetCount: b.readUInt32(at: body + 16),
                                          octetCount: b.readUInt32(at: body + 20))
                packets.append(.senderReport(ssrc: b.readUInt32(at: body), sender: info, reports: try reports(at: body + 24)))
            case 201:
                guard body + 4 <= bodyEnd else { throw .countPastEnd }
                packets.append(.receiverReport(ssrc: b.readUInt32(at: body), reports: try reports(at: body + 4)))
            case 202:
                var chunks: [(ssrc: UInt32, cname: String)] = []
                var o = body
                for _ in 0..<count {
                    guard o + 4 <= bodyEnd else { throw .countPastEnd }
                    let ssrc = b.readUInt32(at: o)
                    o += 4
                    var cname = ""
                    while o < bodyEnd, b[o] != 0 {
                        guard o + 2 <= bodyEnd, o + 2 + Int(b[o + 1]) <= bodyEnd else { throw .countPastEnd }
                        if b[o] == 1 { cname = String(decoding: b[(o + 2)..<(o + 2 + Int(b[o + 1]))], as: UTF8.self) }
                        o += 2 + Int(b[o + 1])
                    }
                    o = (o + 4) & ~3 // the null item and padding to a 32-bit boundary
                    chunks.append((ssrc, cname))
                }
                packets.append(.sourceDescription(chunks))
            case 203:
                guard body + 4 * Int(count) <= bodyEnd else { throw .countPastEnd }
                let ssrcs = (0..<Int(count)).map { b.readUInt32(at: body + 4 * $0) }
                var reason: String?
                let r = body + 4 * Int(count)
                if r < bodyEnd {
                    let length = Int(b[r])
                    guard r + 1 + length <= bodyEnd else { throw .countPastEnd }
                    reason = String(decoding: b[(r + 1)..<(r + 1 + length)], as: UTF8.self)
                }
                packets.append(.goodbye(ssrcs: ssrcs, reason: reason))
            default:
                packets.append(.other(packetType: type, count: count, body: Array(b[body..<bodyEnd])))
            }
            offset = end
        }
        guard offset == b.count else { throw .lengthPastEnd }
        return packets
    }

    /// Serializes packets into one compound datagram.
    public static func serialize(_ packets: [RTCPPacket]) -> [UInt8] {
        var buffer = ByteBuffer()
        for packet in packets { write(packet, to: &buffer) }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Appends one RTCP packet to a buffer.
    public static func write(_ packet: RTCPPacket, to buffer: inout ByteBuffer) {
        func header(count: Int, type: UInt8, bodyLength: Int) {
            buffer.writeInteger(UInt8(0x80 | UInt8(count & 0x1F)))
            buffer.writeInteger(type)
            buffer.writeInteger(UInt16(bodyLength / 4))
        }
        func writeBlocks(_ blocks: [RTCPReportBlock]) {
            for r in blocks {
                buffer.writeInteger(r.ssrc)
                buffer.writeInteger(UInt32(r.fractionLost) << 24 | UInt32(bitPattern: r.cumulativeLost) & 0xFF_FFFF)
                buffer.writeInteger(r.extendedHighestSequence)
                buffer.writeInteger(r.jitter)
                buffer.writeInteger(r.lastSenderReport)
                buffer.writeInteger(r.delaySinceLastSenderReport)
            }
        }
        switch packet {
        case let .senderReport(ssrc, info, reports):
            let blocks = Array(reports.prefix(31))
            header(count: blocks.count, type: 200, bodyLength: 24 + 24 * blocks.count)
            buffer.writeInteger(ssrc)
            buffer.writeInteger(info.ntpTimestamp)
            buffer.writeInteger(info.rtpTimestamp)
            buffer.writeInteger(info.packetCount)
            buffer.writeInteger(info.octetCount)
            writeBlocks(blocks)
        case let .receiverReport(ssrc, reports):
            let blocks = Array(reports.prefix(31))
            header(count: blocks.count, type: 201, bodyLength: 4 + 24 * blocks.count)
            buffer.writeInteger(ssrc)
            writeBlocks(blocks)
        case let .sourceDescription(chunks):
            var body = ByteBuffer()
            for chunk in chunks.prefix(31) {
                body.writeInteger(chunk.ssrc)
                let cname = Array(chunk.cname.utf8.prefix(255))
                body.writeInteger(UInt8(1))
                body.writeInteger(UInt8(cname.count))
                body.writeBytes(cname)
                let used = 4 + 2 + cname.count
                body.writeRepeatingByte(0, count: (used + 4) / 4 * 4 - used)
            }
            header(count: min(chunks.count, 31), type: 202, bodyLength: body.readableBytes)
            buffer.writeBuffer(&body)
        case let .goodbye(ssrcs, reason):
            let list = Array(ssrcs.prefix(31))
            var body = ByteBuffer()
            for s in list { body.writeInteger(s) }
            if let reason {
                let bytes = Array(reason.utf8.prefix(255))
                body.writeInteger(UInt8(bytes.count))
                body.writeBytes(bytes)
                body.writeRepeatingByte(0, count: (4 - body.readableBytes % 4) % 4)
            }
            header(count: list.count, type: 203, bodyLength: body.readableBytes)
            buffer.writeBuffer(&body)
        case let .other(type, count, body):
            let padded = (body.count + 3) / 4 * 4
            header(count: Int(count), type: type, bodyLength: padded)
            buffer.writeBytes(body)
            buffer.writeRepeatingByte(0, count: padded - body.count)
        }
    }
}

extension RTPStreamSender {
    /// The sender information for an SR at wall-clock `unixTime`.
    public func senderInfo(unixTime: Duration) -> RTCPSenderInfo {
        RTCPSenderInfo(ntpTimestamp: RTCPSenderInfo.ntpTimestamp(sinceUnixEpoch: unixTime), rtpTimestamp: lastTimestamp,
                       packetCount: packetCount, octetCount: octetCount)
    }
}
