extension SIPMessage {
    /// The message as bytes, ready for the wire.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(serializedSizeEstimate)
        write(into: &out)
        return out
    }

    static let versionLine: [UInt8] = Array(" SIP/2.0\r\n".utf8)
    static let versionSpace: [UInt8] = Array("SIP/2.0 ".utf8)

    /// At least the size of the serialized message for one left unchanged
    /// since it was parsed (the received bytes), else a guess.
    var serializedSizeEstimate: Int {
        max(headers.storage.count, 512 + headers.count * 16) + bodyBytes.count
    }

    /// Appends the message to `out`: start line, header fields as they are
    /// held (names as spelled), an empty line, and the body.
    public func write(into out: inout [UInt8]) {
        switch startLine {
        case .request(let method, let uri):
            out.appendUTF8(method.rawValue)
            out.append(ASCII.space)
            uri.write(into: &out)
            out.append(contentsOf: SIPMessage.versionLine)
        case .response(let status, let reason):
            out.append(contentsOf: SIPMessage.versionSpace)
            out.append(UInt8(48 + status / 100))
            out.append(UInt8(48 + status / 10 % 10))
            out.append(UInt8(48 + status % 10))
            out.append(ASCII.space)
            out.appendUTF8(reason)
            out.append(contentsOf: [ASCII.cr, ASCII.lf])
        }
        headers.write(into: &out)
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
        out.append(contentsOf: bodyBytes)
    }
}
