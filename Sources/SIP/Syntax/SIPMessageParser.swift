#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Why a message was refused, and how to answer it.
public struct SIPParseError: Error, Sendable, CustomStringConvertible {
    /// The status a UAS answers a request with (400, 505, 513, …), or nil
    /// when the message is to be dropped silently (any bad response, or
    /// a request too broken to answer).
    public var status: Int?
    /// What was wrong, for the reason phrase and the log.
    public var reason: String
    /// Whether the message was a request.
    public var isRequest: Bool
    /// The header fields read before the error, to build a response from
    /// (Via, From, To, Call-ID and CSeq are copied as received).
    public var headers: SIPHeaders

    public var description: String {
        "\(status.map(String.init) ?? "drop"): \(reason)"
    }
}

/// Parses SIP messages from bytes (RFC 3261 §7, §18.3).
///
/// A datagram may carry a message without Content-Length (the body is the
/// rest of the datagram) and may carry trailing bytes after the body, which
/// are ignored. A stream message must carry Content-Length; framing it is the
/// job of ``SIPStreamFramer``.
public struct SIPMessageParser: Sendable {
    /// Limits that keep a hostile peer from costing memory or time.
    public struct Limits: Sendable {
        /// The largest message accepted, headers and body.
        public var maxMessageSize: Int = 65_535
        /// The most header fields a message may have.
        public var maxHeaderFields: Int = 128
        /// The longest single header field value.
        public var maxHeaderLength: Int = 8_192
        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses one message from a datagram (or a framed stream message when
    /// `fromStream` is true, where Content-Length is required).
    public func parse(_ bytes: [UInt8], fromStream: Bool = false) throws(SIPParseError) -> SIPMessage {
        var state = ParseState(bytes: bytes)
        return try state.run(limits: limits, fromStream: fromStream)
    }
}

private struct ParseState {
    let b: [UInt8]
    var i = 0
    var isRequest = true
    var entries: [SIPHeaders.Entry] = []
    /// The bytes of folded values, joined.
    var extra: [UInt8] = []
    /// Every header line so far is `Name: value CRLF` exactly as the
    /// serializer writes it; the block then goes out as one copy.
    var verbatim = true
    var headerBlock = 0..<0

    init(bytes: [UInt8]) { b = bytes }

    func fail(_ status: Int?, _ reason: String) -> SIPParseError {
        SIPParseError(status: isRequest ? status : nil, reason: reason, isRequest: isRequest, headers: SIPHeaders(storage: b, extra: extra, entries: entries))
    }

    /// The index of the CR or LF that ends the line starting at `from`.
    func lineEnd(from: Int) -> Int? {
        guard from < b.count else { return nil }
        return b.withUnsafeBufferPointer { p -> Int? in
            let base = UnsafeRawPointer(p.baseAddress!)
            // memchr for LF, then for a CR before it (CRLF or a bare CR).
            var limit = p.count
            if let lf = memchr(base + from, Int32(ASCII.lf), p.count - from) { limit = base.distance(to: UnsafeRawPointer(lf)) }
            if limit > from, let cr = memchr(base + from, Int32(ASCII.cr), limit - from) { return base.distance(to: UnsafeRawPointer(cr)) }
            return limit < p.count ? limit : nil
        }
    }

    /// The index after the line terminator at `at` (CRLF, or a bare LF or CR).
    func afterTerminator(_ at: Int) -> Int {
        if b[at] == ASCII.cr, at + 1 < b.count, b[at + 1] == ASCII.lf { return at + 2 }
        return at + 1
    }

    mutating func run(limits: SIPMessageParser.Limits, fromStream: Bool) throws(SIPParseError) -> SIPMessage {
        let n = b.count
        while i < n, b[i] == ASCII.cr || b[i] == ASCII.lf { i += 1 }
        guard i < n else { throw SIPParseError(status: nil, reason: "empty message", isRequest: false, headers: SIPHeaders()) }
        isRequest = !(n - i >= 4 && ASCII.lower(b[i]) == 115 && ASCII.lower(b[i + 1]) == 105 && ASCII.lower(b[i + 2]) == 112 && b[i + 3] == ASCII.slash)
        guard n <= limits.maxMessageSize else { throw fail(513, "Message Too Large") }

        guard let firstEnd = lineEnd(from: i) else { throw fail(nil, "no end of start line") }
        let startLineRange = i..<firstEnd
        i = afterTerminator(firstEnd)

        try readHeaderFields(limits: limits)
        let startLine = try parseStartLine(startLineRange)

        var headers = SIPHeaders(storage: b, extra: extra, entries: entries)
        if verbatim { headers.verbatimBlock = headerBlock }
        var message = SIPMessage(startLine: startLine, headers: headers)
        try message.readRoutingHeaders(self, fromStream: fromStream)
        return message
    }

    mutating func readHeaderFields(limits: SIPMessageParser.Limits) throws(SIPParseError) {
        let n = b.count
        let classes = CharacterClasses.pointer
        entries.reserveCapacity(16)
        let blockStart = i

        // Fast pass over lines `Name: value CRLF` without folding, on the
        // bytes directly. It stops at the empty line, or at the start of any
        // line it does not take (folding, no line end, too long, errors) for
        // the general loop below to read from there.
        let bytes = b
        let maxFields = limits.maxHeaderFields, maxLength = limits.maxHeaderLength
        var pos = i
        var list = entries
        entries = []
        var plain = verbatim
        let endOfBlock: Bool = bytes.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress!
            while pos < n {
                let c = p[pos]
                if c == ASCII.cr || c == ASCII.lf { return true }
                guard list.count < maxFields else { return false }
                let nameStart = pos
                var j = pos
                // A well-known name spelled as usual and followed directly by
                // the colon is all token bytes: no need to classify them.
                var id = SIPHeaderName.KnownHeader.other
                let colonLimit = min(n - j, 20)
                if let colon = memchr(p + j, Int32(ASCII.colon), colonLimit) {
                    let length = UnsafePointer<UInt8>(colon.assumingMemoryBound(to: UInt8.self)) - (p + j)
                    if length > 1, let known = SIPHeaderName.exactKnown(p + j, length) {
                        id = known
                        j += length
                    }
                }
                if id == .other {
                    while j < n, classes[Int(p[j])] & CharacterClasses.token != 0 { j += 1 }
                }
                let nameEnd = j
                while j < n, ASCII.isWhitespace(p[j]) { j += 1 }
                guard nameEnd > nameStart, j < n, p[j] == ASCII.colon else { return false }
                j += 1
                while j < n, ASCII.isWhitespace(p[j]) { j += 1 }
                let valueStart = j
                // The line ends at the first CR or LF.
                var limit = n
                if let lf = memchr(p + j, Int32(ASCII.lf), n - j) { limit = UnsafePointer<UInt8>(lf.assumingMemoryBound(to: UInt8.self)) - p }
                var end = limit
                if limit > j, let cr = memchr(p + j, Int32(ASCII.cr), limit - j) { end = UnsafePointer<UInt8>(cr.assumingMemoryBound(to: UInt8.self)) - p }
                guard end < n else { return false }
                let next = p[end] == ASCII.cr && end + 1 < n && p[end + 1] == ASCII.lf ? end + 2 : end + 1
                if next < n, ASCII.isWhitespace(p[next]) { return false }
                var e = end
                while e > valueStart, ASCII.isWhitespace(p[e - 1]) { e -= 1 }
                guard e - valueStart <= maxLength else { return false }
                if valueStart != nameEnd + 2 || p[nameEnd + 1] != ASCII.space || e != end || next != end + 2 || p[end] != ASCII.cr {
                    plain = false
                }
                if id == .other { id = SIPHeaderName.lookupID(p + nameStart, nameEnd - nameStart, bytes, nameStart..<nameEnd) }
                list.append(.init(id: id, ownName: false, name: nameStart..<nameEnd, ownValue: false, value: valueStart..<e))
                pos = next
            }
            return false
        }
        entries = list
        verbatim = plain
        i = pos
        if endOfBlock {
            headerBlock = blockStart..<i
            i = afterTerminator(i)
            return
        }

        while i < n {
            let c = b[i]
            if c == ASCII.cr || c == ASCII.lf {
                headerBlock = blockStart..<i
                i = afterTerminator(i)
                return
            }
            guard entries.count < limits.maxHeaderFields else { throw fail(513, "Too many header fields") }
            let nameStart = i
            // Name, white space, colon, white space, on the bytes directly.
            let (nameEnd, afterColon): (Int, Int) = b.withUnsafeBufferPointer { p in
                do {
                    var j = nameStart
                    while j < n, classes[Int(p[j])] & CharacterClasses.token != 0 { j += 1 }
                    let nameEnd = j
                    while j < n, ASCII.isWhitespace(p[j]) { j += 1 }
                    guard nameEnd > nameStart, j < n, p[j] == ASCII.colon else { return (nameEnd, -1) }
                    j += 1
                    while j < n, ASCII.isWhitespace(p[j]) { j += 1 }
                    return (nameEnd, j)
                }
            }
            guard afterColon >= 0 else { throw fail(400, "Malformed header line") }
            i = afterColon
            if i != nameEnd + 2 || b[nameEnd + 1] != ASCII.space { verbatim = false }
            // The value, with folded continuation lines joined by one space.
            var valueStart = i
            guard var end = lineEnd(from: i) else {
                // A last header line without CRLF: take it to the end.
                verbatim = false
                entries.append(.init(id: SIPHeaderName.lookupID(b, nameStart..<nameEnd), ownName: false, name: nameStart..<nameEnd,
                                     ownValue: false, value: trimmed(valueStart, n)))
                i = n
                return
            }
            var next = afterTerminator(end)
            let value: Range<Int>
            var ownValue = false
            if next < n, ASCII.isWhitespace(b[next]) {
                var joined: [UInt8] = []
                while true {
                    var e = end
                    while e > valueStart, ASCII.isWhitespace(b[e - 1]) { e -= 1 }
                    if valueStart < e {
                        if !joined.isEmpty { joined.append(ASCII.space) }
                        joined.append(contentsOf: b[valueStart..<e])
                    }
                    guard next < n, ASCII.isWhitespace(b[next]) else { break }
                    valueStart = next
                    while valueStart < n, ASCII.isWhitespace(b[valueStart]) { valueStart += 1 }
                    guard let e2 = lineEnd(from: valueStart) else { end = n; next = n; continue }
                    end = e2
                    next = afterTerminator(end)
                    guard joined.count <= limits.maxHeaderLength else { throw fail(513, "Header field too long") }
                }
                // As a string would hold it (ill-formed UTF-8 repaired).
                let start = extra.count
                extra.append(contentsOf: String(decoding: joined, as: UTF8.self).utf8)
                value = start..<extra.count
                ownValue = true
                verbatim = false
            } else {
                let r = trimmed(valueStart, end)
                guard r.count <= limits.maxHeaderLength else { throw fail(513, "Header field too long") }
                value = r
                if r.upperBound != end || next != end + 2 || b[end] != ASCII.cr { verbatim = false }
            }
            entries.append(.init(id: SIPHeaderName.lookupID(b, nameStart..<nameEnd), ownName: false, name: nameStart..<nameEnd,
                                 ownValue: ownValue, value: value))
            i = next
        }
        headerBlock = blockStart..<i
    }

    func trimmed(_ start: Int, _ end: Int) -> Range<Int> {
        var e = end
        while e > start, ASCII.isWhitespace(b[e - 1]) { e -= 1 }
        return start..<e
    }

    func parseStartLine(_ r: Range<Int>) throws(SIPParseError) -> SIPMessage.StartLine {
        var s = ByteScanner(b, from: r.lowerBound, to: r.upperBound)
        if !isRequest {
            guard let v = s.token(), s.consume(ASCII.slash), s.token() != nil else { throw fail(nil, "bad status line") }
            _ = v
            guard s.consume(ASCII.space) else { throw fail(nil, "bad status line") }
            let codeStart = s.index
            let code = s.number(maxDigits: 3)
            guard let code, s.index - codeStart == 3, (100...699).contains(code) else { throw fail(nil, "bad status code") }
            if s.peek != nil && !s.consume(ASCII.space) { throw fail(nil, "bad status line") }
            return .response(status: Int(code), reason: s.string(s.index..<s.end))
        }
        guard let m = s.token(), s.consume(ASCII.space) else { throw fail(400, "Bad request line") }
        let method = SIPMethod.parse(s.bytes, m)
        // Request-URI: no white space, no '<'.
        let uriStart = s.index
        while let c = s.peek, c != ASCII.space { s.index += 1 }
        let uriRange = uriStart..<s.index
        guard !uriRange.isEmpty, s.consume(ASCII.space) else { throw fail(400, "Bad request line") }
        let v = s.index, versionCount = s.end - s.index
        guard versionCount > 0, !b[v..<s.end].contains(ASCII.space) else { throw fail(400, "Bad request line") }
        let sipSlash = versionCount >= 4 && ASCII.lower(b[v]) == 115 && ASCII.lower(b[v + 1]) == 105
            && ASCII.lower(b[v + 2]) == 112 && b[v + 3] == ASCII.slash
        guard sipSlash, versionCount == 7, b[v + 4] == 50, b[v + 5] == 46, b[v + 6] == 48 else {
            let version = s.string(v..<s.end)
            if version.utf8.count > 4, String(version.prefix(4)).caseInsensitiveEquals("SIP/") { throw fail(505, "Version Not Supported") }
            throw fail(400, "Bad request line")
        }
        var us = ByteScanner(b, from: uriRange.lowerBound, to: uriRange.upperBound)
        let uri: SIPURI
        do throws(SIPSyntaxError) {
            uri = try SIPURI.parse(&us, addrSpec: false)
            guard us.atEnd else { throw SIPSyntaxError.trailingCharacters("Request-URI") }
        } catch {
            throw fail(400, "Bad Request-URI: \(error)")
        }
        if uri.headers != nil { throw fail(400, "Bad Request-URI: headers are not allowed") }
        return .request(method: method, uri: uri)
    }
}

extension SIPMessage {
    /// Reads the routing headers of a parsed header block into their typed
    /// values, and the body. Built in place: each value is parsed into the
    /// message's own storage, not carried through the loop and copied in at
    /// the end.
    fileprivate mutating func readRoutingHeaders(_ state: ParseState, fromStream: Bool) throws(SIPParseError) {
        let b = state.b
        // Routing headers, eagerly.
        var haveFrom = false, haveTo = false, haveCallID = false, haveCSeq = false, haveMaxForwards = false
        var contentLength: Int?
        var seenContentType = false
        for e in state.entries {
            do throws(SIPSyntaxError) {
                switch e.id {
                case .via:
                    try SIPVia.parseList(headers.scanner(e), into: &self.storedVia)
                case .from:
                    guard !haveFrom else { throw SIPSyntaxError.duplicate }
                    try SIPNameAddress.parseWhole(headers.scanner(e), into: &self.storedFrom)
                    haveFrom = true
                case .to:
                    guard !haveTo else { throw SIPSyntaxError.duplicate }
                    try SIPNameAddress.parseWhole(headers.scanner(e), into: &self.storedTo)
                    haveTo = true
                case .callID:
                    guard !haveCallID else { throw SIPSyntaxError.duplicate }
                    let s = headers.scanner(e)
                    let word = s.bytes.withUnsafeBufferPointer { p in
                        var i = s.index
                        while i < s.end, p[i] > 32 { i += 1 }
                        return i == s.end
                    }
                    guard s.end > s.index, word else { throw SIPSyntaxError.expected("Call-ID word") }
                    self.callIDText = SIPText(s.bytes, s.index..<s.end)
                    haveCallID = true
                case .cseq:
                    guard !haveCSeq else { throw SIPSyntaxError.duplicate }
                    self.storedCSeq = try SIPCSeq(scanner: headers.scanner(e))
                    haveCSeq = true
                case .maxForwards:
                    guard !haveMaxForwards else { throw SIPSyntaxError.duplicate }
                    var s = headers.scanner(e)
                    guard let v = s.number(maxDigits: 10), s.atEnd, v <= 255 else { throw SIPSyntaxError.outOfRange("Max-Forwards") }
                    self.storedMaxForwards = Int(v)
                    haveMaxForwards = true
                case .contentLength:
                    guard contentLength == nil else { throw SIPSyntaxError.duplicate }
                    var s = headers.scanner(e)
                    guard let v = s.number(maxDigits: 9), s.atEnd else { throw SIPSyntaxError.expected("Content-Length number") }
                    contentLength = Int(v)
                case .contentType:
                    guard !seenContentType else { throw SIPSyntaxError.duplicate }
                    seenContentType = true
                case .contact:
                    let s = headers.scanner(e)
                    if !(s.end - s.index == 1 && s.bytes[s.index] == 42) {
                        try SIPNameAddress.parseList(s, into: &self.storedContacts)
                    }
                case .route:
                    try SIPNameAddress.parseList(headers.scanner(e), into: &self.storedRoutes)
                case .recordRoute:
                    try SIPNameAddress.parseList(headers.scanner(e), into: &self.storedRecordRoutes)
                default:
                    break
                }
            } catch {
                throw state.fail(400, "Bad \(headers.name(e).spelling) header: \(error)")
            }
        }
        guard !self.storedVia.isEmpty else { throw state.fail(400, "Missing Via header") }
        guard haveFrom else { throw state.fail(400, "Missing From header") }
        guard haveTo else { throw state.fail(400, "Missing To header") }
        guard haveCallID else { throw state.fail(400, "Missing Call-ID header") }
        guard haveCSeq else { throw state.fail(400, "Missing CSeq header") }

        // Body.
        let n = b.count, i = state.i
        let available = n - i
        if let contentLength {
            guard contentLength <= available else {
                throw state.fail(400, "Content-Length \(contentLength) larger than the \(available) bytes received")
            }
            self.bodyBytes = b[i..<(i + contentLength)]
        } else {
            guard !fromStream else { throw state.fail(400, "Missing Content-Length on a stream transport") }
            self.bodyBytes = b[i..<n]
        }
    }
}
