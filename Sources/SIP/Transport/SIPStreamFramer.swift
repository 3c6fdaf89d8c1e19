import NIOCore

/// Frames SIP messages on a stream transport (RFC 3261 §18.3): a header
/// part ending in an empty line, then exactly Content-Length bytes of body.
///
/// Keep-alive CRLFs between messages are consumed (RFC 5626 §3.5.1: a
/// double CRLF "ping" is reported so the connection can answer with a CRLF
/// "pong"). A header part longer than the limit, a missing or bad
/// Content-Length, or a body over the limit is an error that closes the
/// connection.
public struct SIPStreamFramer: ByteToMessageDecoder {
    public enum Frame: Sendable {
        case message([UInt8])
        /// A CRLFCRLF keep-alive ping.
        case ping
    }

    public enum FramingError: Error, Sendable, Equatable {
        case headerTooLong
        case missingContentLength
        case badContentLength
        case bodyTooLarge
    }

    public typealias InboundOut = Frame

    public let maxHeaderBytes: Int
    public let maxBodyBytes: Int
    private var pendingCRLF = 0

    public init(maxHeaderBytes: Int = 16_384, maxBodyBytes: Int = 65_535) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Fired down the pipeline when bytes of an unfinished message wait in
    /// the buffer, so a handler can time the sender out.
    public struct PartialMessage: Sendable {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else {
            if buffer.readableBytes > 0 { context.fireUserInboundEventTriggered(PartialMessage()) }
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while let frame = try nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        return .needMoreData
    }

    /// The next complete frame in `buffer`, consuming it; nil when more bytes are needed.
    public mutating func nextFrame(_ buffer: inout ByteBuffer) throws -> Frame? {
        // Keep-alive line ends between messages.
        while let b = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), b == 13 || b == 10 {
            buffer.moveReaderIndex(forwardBy: 1)
            if b == 10 {
                pendingCRLF += 1
                if pendingCRLF == 2 {
                    pendingCRLF = 0
                    return .ping
                }
            }
        }
        guard buffer.readableBytes > 0 else { return nil }
        pendingCRLF = 0
        let view = buffer.readableBytesView
        guard let headerEnd = SIPStreamFramer.endOfHeaders(view) else {
            if view.count > maxHeaderBytes { throw FramingError.headerTooLong }
            return nil
        }
        let headerLength = headerEnd - view.startIndex
        guard headerLength <= maxHeaderBytes else { throw FramingError.headerTooLong }
        let length = try SIPStreamFramer.contentLength(view[view.startIndex..<headerEnd])
        guard length <= maxBodyBytes else { throw FramingError.bodyTooLarge }
        guard view.count >= headerLength + length else { return nil }
        let bytes = buffer.readBytes(length: headerLength + length)!
        return .message(bytes)
    }

    /// The index just past the empty line that ends the header part.
    static func endOfHeaders(_ view: ByteBufferView) -> Int? {
        var i = view.startIndex
        let end = view.endIndex
        while i + 1 < end {
            if view[i] == 10 {
                if view[i + 1] == 10 { return i + 2 }
                if view[i + 1] == 13, i + 2 < end, view[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Finds Content-Length (or `l`) at the start of a line of the header part.
    static func contentLength(_ header: ByteBufferView) throws -> Int {
        let bytes = Array(header)
        var lineStart = 0
        var found: Int?
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
            var nameEnd = lineStart
            while nameEnd < lineEnd, CharacterClasses.isToken(bytes[nameEnd]) { nameEnd += 1 }
            let name = String(decoding: bytes[lineStart..<nameEnd], as: UTF8.self).asciiLowercased
            if name == "content-length" || name == "l" {
                var j = nameEnd
                while j < lineEnd, ASCII.isWhitespace(bytes[j]) { j += 1 }
                if j < lineEnd, bytes[j] == ASCII.colon {
                    j += 1
                    while j < lineEnd, ASCII.isWhitespace(bytes[j]) { j += 1 }
                    var value = 0, digits = 0
                    while j < lineEnd, CharacterClasses.isDigit(bytes[j]) {
                        value = value * 10 + Int(bytes[j] - 48)
                        digits += 1
                        guard digits <= 9 else { throw FramingError.badContentLength }
                        j += 1
                    }
                    while j < lineEnd, ASCII.isWhitespace(bytes[j]) || bytes[j] == 13 { j += 1 }
                    guard digits > 0, j == lineEnd else { throw FramingError.badContentLength }
                    guard found == nil else { throw FramingError.badContentLength }
                    found = value
                }
            }
            lineStart = lineEnd + 1
        }
        guard let found else { throw FramingError.missingContentLength }
        return found
    }
}
