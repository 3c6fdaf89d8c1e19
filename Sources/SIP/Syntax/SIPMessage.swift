/// A SIP request or response (RFC 3261 §7).
///
/// The routing headers (Via, From, To, Call-ID, CSeq, Max-Forwards, Contact,
/// Route, Record-Route) are parsed when the message is, and are read and
/// changed through typed properties that keep ``headers`` in step. Every
/// other header stays text until asked for, through ``headers``.
public struct SIPMessage: Sendable, Hashable, CustomStringConvertible {
    /// The first line: a request line or a status line.
    public enum StartLine: Sendable, Hashable {
        case request(method: SIPMethod, uri: SIPURI)
        case response(status: Int, reason: String)
    }

    public var startLine: StartLine
    /// All header fields, in order. Change routing headers through the typed
    /// properties and other headers through ``setHeader(_:_:)`` and friends.
    public internal(set) var headers: SIPHeaders
    /// The body, as bytes. Setting it updates Content-Length.
    public var body: [UInt8] {
        get { Array(bodyBytes) }
        set {
            bodyBytes = newValue[...]
            headers.set(.contentLength, String(newValue.count))
        }
    }
    /// The body where it lies: for a parsed message, a slice of the received bytes.
    var bodyBytes: ArraySlice<UInt8>

    // The routing headers' typed values. Setting one through its property
    // rewrites its header fields; the parser fills the stored values directly.
    var storedVia: [SIPVia]
    var storedFrom: SIPNameAddress
    var storedTo: SIPNameAddress
    var storedCSeq: SIPCSeq
    var storedMaxForwards: Int?
    var storedContacts: [SIPNameAddress]
    var storedRoutes: [SIPNameAddress]
    var storedRecordRoutes: [SIPNameAddress]

    public var via: [SIPVia] {
        get { storedVia }
        set {
            storedVia = newValue
            headers.replace(.via, with: storedVia.map(\.description))
        }
    }
    public var from: SIPNameAddress {
        get { storedFrom }
        set {
            storedFrom = newValue
            headers.set(.from, storedFrom.description)
        }
    }
    public var to: SIPNameAddress {
        get { storedTo }
        set {
            storedTo = newValue
            headers.set(.to, storedTo.description)
        }
    }
    public var callID: String {
        get { callIDText.string }
        set {
            callIDText = SIPText(newValue)
            headers.set(.callID, newValue)
        }
    }
    var callIDText: SIPText
    public var cseq: SIPCSeq {
        get { storedCSeq }
        set {
            storedCSeq = newValue
            headers.set(.cseq, storedCSeq.description)
        }
    }
    public var maxForwards: Int? {
        get { storedMaxForwards }
        set {
            storedMaxForwards = newValue
            if let maxForwards = storedMaxForwards { headers.set(.maxForwards, String(maxForwards)) } else { headers.remove(.maxForwards) }
        }
    }
    /// Contact addresses; empty for none or for `*` (see ``isContactWildcard``).
    public var contacts: [SIPNameAddress] {
        get { storedContacts }
        set {
            storedContacts = newValue
            if storedContacts.isEmpty { headers.remove(.contact) } else { headers.replace(.contact, with: storedContacts.map(\.description)) }
        }
    }
    public var routes: [SIPNameAddress] {
        get { storedRoutes }
        set {
            storedRoutes = newValue
            if storedRoutes.isEmpty { headers.remove(.route) } else { headers.replace(.route, with: storedRoutes.map(\.description)) }
        }
    }
    public var recordRoutes: [SIPNameAddress] {
        get { storedRecordRoutes }
        set {
            storedRecordRoutes = newValue
            if storedRecordRoutes.isEmpty { headers.remove(.recordRoute) } else { headers.replace(.recordRoute, with: storedRecordRoutes.map(\.description)) }
        }
    }

    /// Builds a message from its parts; the header fields are written in the
    /// conventional order, then `extraHeaders`, then Content-Length.
    public init(
        startLine: StartLine, via: [SIPVia], from: SIPNameAddress, to: SIPNameAddress,
        callID: String, cseq: SIPCSeq, maxForwards: Int? = nil, contacts: [SIPNameAddress] = [],
        routes: [SIPNameAddress] = [], recordRoutes: [SIPNameAddress] = [],
        extraHeaders: SIPHeaders = SIPHeaders(), body: [UInt8] = []
    ) {
        var h = SIPHeaders()
        for v in via { h.add(.via, v.description) }
        for r in recordRoutes { h.add(.recordRoute, r.description) }
        for r in routes { h.add(.route, r.description) }
        if let maxForwards { h.add(.maxForwards, String(maxForwards)) }
        h.add(.from, from.description)
        h.add(.to, to.description)
        h.add(.callID, callID)
        h.add(.cseq, cseq.description)
        for c in contacts { h.add(.contact, c.description) }
        for f in extraHeaders where f.name != .contentLength { h.add(f.name, f.value) }
        h.add(.contentLength, String(body.count))
        self.init(
            startLine: startLine, headers: h, body: body[...], via: via, from: from, to: to,
            callID: SIPText(callID), cseq: cseq, maxForwards: maxForwards, contacts: contacts,
            routes: routes, recordRoutes: recordRoutes)
    }

    /// Used by the parser: every part already consistent.
    init(
        startLine: StartLine, headers: SIPHeaders, body: ArraySlice<UInt8>, via: [SIPVia], from: SIPNameAddress,
        to: SIPNameAddress, callID: SIPText, cseq: SIPCSeq, maxForwards: Int?, contacts: [SIPNameAddress],
        routes: [SIPNameAddress], recordRoutes: [SIPNameAddress]
    ) {
        self.startLine = startLine
        self.headers = headers
        self.bodyBytes = body
        self.storedVia = via
        self.storedFrom = from
        self.storedTo = to
        self.callIDText = callID
        self.storedCSeq = cseq
        self.storedMaxForwards = maxForwards
        self.storedContacts = contacts
        self.storedRoutes = routes
        self.storedRecordRoutes = recordRoutes
    }

    /// Used by the parser: the start line and header fields, with the typed
    /// values still to be read into (placeholders, no allocation).
    init(startLine: StartLine, headers: SIPHeaders) {
        self.startLine = startLine
        self.headers = headers
        self.bodyBytes = []
        self.storedVia = []
        self.storedFrom = SIPNameAddress.placeholder
        self.storedTo = SIPNameAddress.placeholder
        self.callIDText = SIPText("")
        self.storedCSeq = SIPCSeq(0, .invite)
        self.storedMaxForwards = nil
        self.storedContacts = []
        self.storedRoutes = []
        self.storedRecordRoutes = []
    }

    // MARK: Start line

    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request method, or for a response the method of its CSeq.
    public var method: SIPMethod {
        if case .request(let m, _) = startLine { return m }
        return cseq.method
    }

    /// The Request-URI of a request.
    public var requestURI: SIPURI? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    /// The status code of a response.
    public var statusCode: Int? {
        if case .response(let s, _) = startLine { return s }
        return nil
    }

    // MARK: Other headers

    /// Whether Contact is `*` (a REGISTER removing every binding).
    public var isContactWildcard: Bool {
        headers[.contact].map { $0 == "*" } ?? false
    }

    /// The media type of the body, lowercased, without parameters.
    public var contentType: String? {
        guard let v = headers[.contentType] else { return nil }
        let main = v.split(separator: ";", maxSplits: 1).first.map(String.init) ?? v
        return main.trimmingWhitespace.asciiLowercased
    }

    /// Sets a header that is not a routing header (which have typed properties).
    public mutating func setHeader(_ name: SIPHeaderName, _ value: String) {
        precondition(!SIPMessage.typedHeaders.contains(name.canonical), "set \(name) through its typed property")
        headers.set(name, value)
    }

    /// Adds a header field that is not a routing header.
    public mutating func addHeader(_ name: SIPHeaderName, _ value: String) {
        precondition(!SIPMessage.typedHeaders.contains(name.canonical), "set \(name) through its typed property")
        headers.add(name, value)
    }

    /// Removes the fields named `name` (not a routing header).
    public mutating func removeHeader(_ name: SIPHeaderName) {
        precondition(!SIPMessage.typedHeaders.contains(name.canonical), "set \(name) through its typed property")
        headers.remove(name)
    }

    static let typedHeaders: Set<String> = [
        "via", "from", "to", "call-id", "cseq", "max-forwards", "contact", "route", "record-route", "content-length",
    ]

    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

extension String {
    var trimmingWhitespace: String {
        let u = Array(utf8)
        var a = 0, b = u.count
        while a < b, ASCII.isWhitespace(u[a]) { a += 1 }
        while b > a, ASCII.isWhitespace(u[b - 1]) { b -= 1 }
        if a == 0 && b == u.count { return self }
        return String(decoding: u[a..<b], as: UTF8.self)
    }
}
