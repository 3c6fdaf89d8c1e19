/// Why an SDP body could not be used. The call layer answers 488 Not Acceptable Here.
public enum SDPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line is not of the form `x=value`, or its value does not follow RFC 4566.
    case malformedLine(line: Int, text: String, reason: String)
    /// A mandatory session-level line (`v=`, `o=`, `s=`, `t=`) is missing.
    case missingLine(String)
    /// `v=` is not 0.
    case unsupportedVersion(String)
    /// A media stream with a non-zero port has no `c=` line at media or session level.
    case missingConnection(mediaIndex: Int)
    /// No offered stream can be accepted (no audio with PCMU or PCMA over RTP/AVP).
    case noAcceptableMedia
    /// An answer does not match its offer (different number of `m=` lines).
    case answerDoesNotMatchOffer(String)

    public var description: String {
        switch self {
        case let .malformedLine(line, text, reason): "SDP line \(line) '\(text)': \(reason)"
        case let .missingLine(name): "SDP lacks a mandatory '\(name)=' line"
        case let .unsupportedVersion(v): "SDP version '\(v)' is not 0"
        case let .missingConnection(index): "SDP media stream \(index) has no c= line at media or session level"
        case .noAcceptableMedia: "SDP offers no audio stream with PCMU or PCMA over RTP/AVP"
        case let .answerDoesNotMatchOffer(why): "SDP answer does not match the offer: \(why)"
        }
    }
}

/// Network address type of a `c=` or `o=` line.
public enum SDPAddressType: String, Sendable, Hashable {
    case ipv4 = "IP4"
    case ipv6 = "IP6"
}

/// A `c=` line: where media goes.
public struct SDPConnection: Sendable, Hashable {
    public var addressType: SDPAddressType
    /// The address, without any multicast TTL suffix.
    public var address: String

    public init(addressType: SDPAddressType, address: String) {
        self.addressType = addressType
        self.address = address
    }

    /// A connection for an IP literal, picking IP4 or IP6 from its form.
    public init(address: String) {
        self.init(addressType: address.contains(":") ? .ipv6 : .ipv4, address: address)
    }

    /// True for the RFC 2543 hold address `0.0.0.0` (or `::`).
    public var isNullAddress: Bool { address == "0.0.0.0" || address == "::" }

    var line: String { "IN \(addressType.rawValue) \(address)" }
}

/// An `o=` line.
public struct SDPOrigin: Sendable, Hashable {
    public var username: String
    public var sessionID: String
    public var sessionVersion: UInt64
    public var connection: SDPConnection

    public init(username: String = "-", sessionID: String, sessionVersion: UInt64, connection: SDPConnection) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.connection = connection
    }
}

/// An `a=` line: a property name and optional value.
public struct SDPAttribute: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    var line: String { value.map { "\(name):\($0)" } ?? name }
}

/// Media direction attributes (RFC 3264 §5.1, §6.1); hold is sendonly or inactive.
public enum MediaDirection: String, Sendable, Hashable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// Whether this side sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether this side receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction as seen from the other side.
    public var reversed: MediaDirection {
        switch self {
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        default: self
        }
    }

    /// The direction allowed by both this and `other` (both from the same side's view).
    public func intersection(_ other: MediaDirection) -> MediaDirection {
        MediaDirection(sends: sends && other.sends, receives: receives && other.receives)
    }

    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }
}

/// An `a=rtpmap` entry.
public struct RTPMap: Sendable, Hashable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: Int
    public var channels: Int?
}

/// One `m=` section.
public struct MediaDescription: Sendable, Hashable {
    /// Media type: `audio`, `video`, ...
    public var media: String
    /// Transport port; 0 means the stream is rejected or disabled.
    public var port: Int
    /// The optional `/<number of ports>`.
    public var portCount: Int?
    /// Transport protocol, e.g. `RTP/AVP`.
    public var proto: String
    /// Format list (RTP payload types for RTP profiles).
    public var formats: [String]
    /// Media-level `c=`, overriding the session-level one.
    public var connection: SDPConnection?
    /// `b=` lines, kept verbatim (value after `b=`).
    public var bandwidths: [String]
    public var attributes: [SDPAttribute]

    public init(media: String, port: Int, portCount: Int? = nil, proto: String, formats: [String],
                connection: SDPConnection? = nil, bandwidths: [String] = [], attributes: [SDPAttribute] = []) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
    }

    /// The first value of attribute `name`.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The direction attribute, or nil when the stream has none (then the session's applies).
    public var direction: MediaDirection? {
        attributes.lazy.compactMap { MediaDirection(rawValue: $0.name.lowercased()) }.first
    }

    /// `a=ptime` in milliseconds.
    public var ptime: Int? { attribute("ptime").flatMap { Int($0.trimmingSpaces) } }

    /// All well-formed `a=rtpmap` entries.
    public var rtpMaps: [RTPMap] {
        attributes.compactMap { attribute -> RTPMap? in
            guard attribute.name.lowercased() == "rtpmap", let value = attribute.value else { return nil }
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let pt = UInt8(parts[0]), pt < 128 else { return nil }
            let encoding = parts[1].split(separator: "/")
            guard encoding.count >= 2, let rate = Int(encoding[1]) else { return nil }
            return RTPMap(payloadType: pt, encodingName: String(encoding[0]), clockRate: rate,
                          channels: encoding.count > 2 ? Int(encoding[2]) : nil)
        }
    }

    /// The `a=fmtp` value for a payload type.
    public func fmtp(for payloadType: UInt8) -> String? {
        for attribute in attributes where attribute.name.lowercased() == "fmtp" {
            guard let value = attribute.value else { continue }
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.first.flatMap({ UInt8($0) }) == payloadType { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}

/// An SDP session description (RFC 4566).
public struct SessionDescription: Sendable, Hashable {
    public var origin: SDPOrigin
    public var sessionName: String
    /// Session-level `c=`.
    public var connection: SDPConnection?
    /// Session-level `b=` lines, verbatim.
    public var bandwidths: [String]
    /// `t=` value; `0 0` for SIP sessions.
    public var timing: String
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]

    public init(origin: SDPOrigin, sessionName: String = "-", connection: SDPConnection? = nil,
                bandwidths: [String] = [], timing: String = "0 0", attributes: [SDPAttribute] = [],
                media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.bandwidths = bandwidths
        self.timing = timing
        self.attributes = attributes
        self.media = media
    }

    /// The session-level direction attribute.
    public var direction: MediaDirection? {
        attributes.lazy.compactMap { MediaDirection(rawValue: $0.name.lowercased()) }.first
    }

    /// The effective connection of stream `index` (media level, else session level).
    public func connection(forMedia index: Int) -> SDPConnection? {
        media[index].connection ?? connection
    }

    /// The effective direction of stream `index` (media, else session, else sendrecv).
    public func direction(forMedia index: Int) -> MediaDirection {
        media[index].direction ?? direction ?? .sendrecv
    }

    /// Serializes with CRLF line ends.
    public func serialized() -> String {
        var out = "v=0\r\n"
        out += "o=\(origin.username) \(origin.sessionID) \(origin.sessionVersion) \(origin.connection.line)\r\n"
        out += "s=\(sessionName.isEmpty ? "-" : sessionName)\r\n"
        if let connection { out += "c=\(connection.line)\r\n" }
        for b in bandwidths { out += "b=\(b)\r\n" }
        out += "t=\(timing)\r\n"
        for a in attributes { out += "a=\(a.line)\r\n" }
        for m in media {
            let port = m.portCount.map { "\(m.port)/\($0)" } ?? "\(m.port)"
            out += "m=\(m.media) \(port) \(m.proto) \(m.formats.joined(separator: " "))\r\n"
            if let c = m.connection { out += "c=\(c.line)\r\n" }
            for b in m.bandwidths { out += "b=\(b)\r\n" }
            for a in m.attributes { out += "a=\(a.line)\r\n" }
        }
        return out
    }

    /// Parses an SDP body. Accepts CRLF or LF line ends; unknown line types are ignored.
    public init(parsing text: String) throws(SDPError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses the UTF-8 bytes of an SDP body.
    public init(parsing bytes: [UInt8]) throws(SDPError) {
        var origin: SDPOrigin?
        var sessionName: String?
        var timing: String?
        var connection: SDPConnection?
        var bandwidths: [String] = []
        var attributes: [SDPAttribute] = []
        var media: [MediaDescription] = []
        var sawVersion = false

        // Lines end in LF or CRLF; each is read from the bytes, so only values become strings.
        var lineNumber = 0
        var lineStart = 0
        while lineStart <= bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var lineEnd = newline
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let start = lineStart
            lineStart = newline + 1
            lineNumber += 1
            if lineEnd == start { continue }
            let lineText = { String(decoding: bytes[start..<lineEnd], as: UTF8.self) }
            guard lineEnd - start >= 2, bytes[start + 1] == UInt8(ascii: "="),
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[start]) else {
                throw .malformedLine(line: lineNumber, text: lineText(), reason: "expected '<letter>=<value>'")
            }
            let type = Character(UnicodeScalar(bytes[start]))
            let value = String(decoding: bytes[(start + 2)..<lineEnd], as: UTF8.self)
            func fail(_ reason: String) -> SDPError { .malformedLine(line: lineNumber, text: lineText(), reason: reason) }
            if !sawVersion {
                guard type == "v" else { throw .missingLine("v") }
                guard value.trimmingSpaces == "0" else { throw .unsupportedVersion(value) }
                sawVersion = true
                continue
            }
            switch type {
            case "v":
                throw fail("repeated v= line")
            case "o":
                let f = value.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count == 6 else { throw fail("o= needs 6 fields") }
                guard let version = UInt64(f[2]) else { throw fail("session version is not a number") }
                guard f[3] == "IN" else { throw fail("network type must be IN") }
                origin = SDPOrigin(username: String(f[0]), sessionID: String(f[1]), sessionVersion: version,
                                   connection: try Self.parseAddress(type: f[4], address: f[5], fail: fail))
            case "s":
                sessionName = value
            case "t":
                timing = value
            case "c":
                let parsed = try Self.parseConnection(value, fail: fail)
                if media.isEmpty { connection = parsed } else { media[media.count - 1].connection = parsed }
            case "b":
                if media.isEmpty { bandwidths.append(value) } else { media[media.count - 1].bandwidths.append(value) }
            case "a":
                guard !value.isEmpty else { throw fail("empty attribute") }
                let attribute: SDPAttribute
                if let colon = value.firstIndex(of: ":") {
                    attribute = SDPAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
                } else {
                    attribute = SDPAttribute(value)
                }
                if media.isEmpty { attributes.append(attribute) } else { media[media.count - 1].attributes.append(attribute) }
            case "m":
                media.append(try Self.parseMedia(value, fail: fail))
            default:
                continue // i=, u=, e=, p=, z=, k=, r= carry nothing the media engine uses
            }
        }
        guard sawVersion else { throw .missingLine("v") }
        guard let origin else { throw .missingLine("o") }
        guard let sessionName else { throw .missingLine("s") }
        guard let timing else { throw .missingLine("t") }
        self.init(origin: origin, sessionName: sessionName, connection: connection, bandwidths: bandwidths,
                  timing: timing, attributes: attributes, media: media)
        for index in media.indices where media[index].port != 0 && self.connection(forMedia: index) == nil {
            throw .missingConnection(mediaIndex: index)
        }
    }

    private static func parseConnection(_ value: String, fail: (String) -> SDPError) throws(SDPError) -> SDPConnection {
        let f = value.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count == 3 else { throw fail("c= needs 3 fields") }
        guard f[0] == "IN" else { throw fail("network type must be IN") }
        return try parseAddress(type: f[1], address: f[2], fail: fail)
    }

    private static func parseAddress(type: Substring, address: Substring, fail: (String) -> SDPError) throws(SDPError) -> SDPConnection {
        guard let addressType = SDPAddressType(rawValue: String(type)) else { throw fail("address type must be IP4 or IP6") }
        let host = address.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !host.isEmpty else { throw fail("empty address") }
        switch addressType {
        case .ipv4:
            if host.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") }) {
                let octets = host.split(separator: ".", omittingEmptySubsequences: false)
                guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { throw fail("bad IPv4 address") }
            } else if host.contains(":") {
                throw fail("IPv6 address with address type IP4")
            }
        case .ipv6:
            if !host.contains(":") && host.allSatisfy({ $0.isNumber || $0 == "." }) {
                throw fail("IPv4 address with address type IP6")
            }
            if host.contains(":") && !host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) {
                throw fail("bad IPv6 address")
            }
        }
        return SDPConnection(addressType: addressType, address: host)
    }

    private static func parseMedia(_ value: String, fail: (String) -> SDPError) throws(SDPError) -> MediaDescription {
        let f = value.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count >= 4 else { throw fail("m= needs media, port, proto and at least one format") }
        let portParts = f[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let port = Int(portParts[0]), (0...65535).contains(port) else { throw fail("bad port") }
        var count: Int?
        if portParts.count > 1 {
            guard portParts.count == 2, let c = Int(portParts[1]), c > 0 else { throw fail("bad port count") }
            count = c
        }
        return MediaDescription(media: String(f[0]), port: port, portCount: count, proto: String(f[2]),
                                formats: f[3...].map(String.init))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let whole = String(self)
        guard let first = whole.utf8.first, let last = whole.utf8.last, isSpace(first) || isSpace(last) else { return whole }
        return String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
