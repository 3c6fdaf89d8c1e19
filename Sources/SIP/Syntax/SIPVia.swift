/// One Via entry (RFC 3261 §20.42, RFC 3581 `rport`).
public struct SIPVia: Hashable, Sendable, CustomStringConvertible {
    /// `SIP/2.0` as a rule; kept as parsed.
    public var protocolVersion: String
    /// The transport, uppercased (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, …).
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters

    /// The prefix of RFC 3261 branch ids (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    public init(transport: String, host: String, port: Int?, branch: String?, parameters: SIPParameters = SIPParameters()) {
        self.protocolVersion = "SIP/2.0"
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = parameters
        if let branch { self.parameters.set("branch", branch) }
    }

    public var branch: String? { parameters.value("branch") }
    public var received: String? { parameters.value("received") }

    /// The `rport` parameter: `.some(nil)` when present without value.
    public var rport: Int?? {
        guard let p = parameters["rport"] else { return .none }
        return .some(p.flatMap { Int($0) })
    }

    /// Whether the branch carries the RFC 3261 magic cookie.
    public var isRFC3261Branch: Bool { branch?.hasPrefix(SIPVia.magicCookie) ?? false }

    public var description: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(into out: inout [UInt8]) {
        out.appendUTF8(protocolVersion)
        out.append(ASCII.slash)
        out.appendUTF8(transport)
        out.append(ASCII.space)
        out.appendUTF8(host)
        if let port {
            out.append(ASCII.colon)
            out.appendDecimal(port)
        }
        parameters.write(into: &out)
    }

    /// Parses a Via header value (one or more comma-separated entries).
    public static func parseList(_ value: String) throws(SIPSyntaxError) -> [SIPVia] {
        try ByteScanner.parseList(value, of: "Via", parse)
    }

    static func parse(_ s: inout ByteScanner) throws(SIPSyntaxError) -> SIPVia {
        var via = SIPVia(transport: "UDP", host: "", port: nil, branch: nil)
        try parse(&s, into: &via)
        return via
    }

    /// Parses a Via header value, appending each entry to `result` and
    /// parsing it in place there.
    static func parseList(_ scanner: ByteScanner, into result: inout [SIPVia]) throws(SIPSyntaxError) {
        var s = scanner
        repeat {
            s.skipWhitespace()
            result.append(SIPVia(transport: "UDP", host: "", port: nil, branch: nil))
            try parse(&s, into: &result[result.count - 1])
        } while s.consumeSeparator(ASCII.comma)
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("Via") }
    }

    /// Parses one Via entry into `via`, every part of it replaced.
    static func parse(_ s: inout ByteScanner, into via: inout SIPVia) throws(SIPSyntaxError) {
        guard let name = s.token(), s.consumeSeparator(ASCII.slash),
              let version = s.token(), s.consumeSeparator(ASCII.slash),
              let transport = s.token() else { throw .expected("sent-protocol in Via") }
        let protocolVersion = s.isSIP20(name, version) ? "SIP/2.0" : s.string(name) + "/" + s.string(version)
        let before = s.index
        s.skipWhitespace()
        guard s.index > before else { throw .expected("white space before sent-by in Via") }
        let hostStart = s.index
        if s.peek == ASCII.leftBracket {
            while let b = s.peek, b != ASCII.rightBracket { s.index += 1 }
            guard s.consume(ASCII.rightBracket) else { throw .expected("']'") }
        } else {
            while let b = s.peek, s.classes[Int(b)] & CharacterClasses.hostname != 0 { s.index += 1 }
        }
        guard s.index > hostStart else { throw .expected("sent-by host in Via") }
        let host = s.string(hostStart..<s.index)
        var port: Int?
        if s.consumeSeparator(ASCII.colon) {
            guard let p = s.number(maxDigits: 5), p <= 65535 else { throw .expected("port in Via") }
            port = Int(p)
        }
        via.parameters = try SIPParameters.parseHeaderParameters(&s)
        via.protocolVersion = protocolVersion
        via.transport = s.upperToken(transport)
        via.host = host
        via.port = port
    }
}

/// The CSeq header (RFC 3261 §20.16).
public struct SIPCSeq: Hashable, Sendable, CustomStringConvertible {
    /// The sequence number, less than 2**31.
    public var sequence: UInt32
    public var method: SIPMethod

    public init(_ sequence: UInt32, _ method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public init(_ value: String) throws(SIPSyntaxError) {
        try self.init(scanner: ByteScanner(value))
    }

    init(scanner: ByteScanner) throws(SIPSyntaxError) {
        var s = scanner
        s.skipWhitespace()
        guard let n = s.number(maxDigits: 10) else { throw .expected("CSeq number") }
        guard n < 1 << 31 else { throw .outOfRange("CSeq number") }
        let before = s.index
        s.skipWhitespace()
        guard s.index > before, let m = s.token() else { throw .expected("CSeq method") }
        s.skipWhitespace()
        guard s.atEnd else { throw .trailingCharacters("CSeq") }
        self.init(UInt32(n), SIPMethod.parse(s.bytes, m))
    }

    public var description: String { "\(sequence) \(method.rawValue)" }
}
