/// Identifies a dialog: Call-ID and the two tags (RFC 3261 §12).
public struct SIPDialogID: Hashable, Sendable, CustomStringConvertible {
    public var callID: String
    public var localTag: String
    public var remoteTag: String

    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    /// The ID of the dialog an incoming request belongs to (we are the UAS
    /// side of that request: its To tag is ours).
    public static func forIncoming(_ request: SIPMessage) -> SIPDialogID? {
        guard let local = request.to.tag, let remote = request.from.tag else { return nil }
        return SIPDialogID(callID: request.callID, localTag: local, remoteTag: remote)
    }

    public var description: String { "\(callID);local=\(localTag);remote=\(remoteTag)" }
}

/// The state of one dialog (RFC 3261 §12), UAC or UAS: the values that make
/// requests inside it and check the requests that arrive in it.
///
/// A value type with no I/O: the call layer keeps one per call leg.
public struct SIPDialog: Sendable, Hashable {
    public enum Role: Sendable, Hashable { case uac, uas }
    public enum State: Sendable, Hashable { case early, confirmed, terminated }

    public let role: Role
    public private(set) var state: State
    public let id: SIPDialogID
    /// Our CSeq: the last one used in a request we sent.
    public private(set) var localSequence: UInt32
    /// The peer's last CSeq, nil until it sends a request in the dialog.
    public private(set) var remoteSequence: UInt32?
    /// Our address (From in our requests) and the peer's (To).
    public let localAddress: SIPNameAddress
    public let remoteAddress: SIPNameAddress
    /// Where in-dialog requests go: the peer's Contact, refreshed by re-INVITE and UPDATE.
    public private(set) var remoteTarget: SIPURI
    /// Route set, in the order our requests carry it.
    public let routeSet: [SIPNameAddress]
    /// Whether the dialog was made over sips.
    public let secure: Bool

    /// The dialog a UAS makes when it answers `request` with `response`
    /// (a 101–199 with a To tag makes an early dialog, a 2xx a confirmed one).
    public init?(uasRequest request: SIPMessage, response: SIPMessage) {
        guard let status = response.statusCode, (101..<300).contains(status),
              let localTag = response.to.tag, let remoteTag = request.from.tag,
              let target = request.contacts.first?.uri else { return nil }
        role = .uas
        state = status < 200 ? .early : .confirmed
        id = SIPDialogID(callID: request.callID, localTag: localTag, remoteTag: remoteTag)
        localSequence = 0
        remoteSequence = request.cseq.sequence
        localAddress = response.to
        remoteAddress = request.from
        remoteTarget = target
        routeSet = request.recordRoutes
        secure = request.requestURI?.scheme == "sips"
    }

    /// The dialog a UAC makes when `response` answers its `request`.
    public init?(uacRequest request: SIPMessage, response: SIPMessage) {
        guard let status = response.statusCode, (101..<300).contains(status),
              let localTag = request.from.tag, let remoteTag = response.to.tag,
              let target = response.contacts.first?.uri else { return nil }
        role = .uac
        state = status < 200 ? .early : .confirmed
        id = SIPDialogID(callID: request.callID, localTag: localTag, remoteTag: remoteTag)
        localSequence = request.cseq.sequence
        remoteSequence = nil
        localAddress = request.from
        remoteAddress = response.to
        remoteTarget = target
        routeSet = response.recordRoutes.reversed()
        secure = request.requestURI?.scheme == "sips"
    }

    /// A later response to the request that made the dialog: a 2xx confirms
    /// an early dialog and refreshes its target.
    public mutating func update(with response: SIPMessage) {
        guard let status = response.statusCode else { return }
        if (200..<300).contains(status), state == .early {
            state = .confirmed
        }
        if (200..<300).contains(status) || (101..<200).contains(status), let c = response.contacts.first?.uri, role == .uac {
            remoteTarget = c
        }
        if status >= 300, state == .early { state = .terminated }
    }

    /// Why an in-dialog request is refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// CSeq lower than one already seen (§12.2.2): answer 500.
        case outOfOrder
    }

    /// Checks and records a request that arrived in this dialog (§12.2.2):
    /// CSeq order, and target refresh for re-INVITE and UPDATE. BYE ends it.
    public mutating func receive(_ request: SIPMessage) throws(Refusal) {
        let method = request.method
        if method != .ack && method != .cancel {
            if let seen = remoteSequence, request.cseq.sequence <= seen {
                throw .outOfOrder
            }
            remoteSequence = request.cseq.sequence
        }
        if method == .invite || method == .update, let c = request.contacts.first?.uri {
            remoteTarget = c
        }
        if method == .bye { state = .terminated }
    }

    /// A request inside the dialog (§12.2.1.1): Request-URI and Route from
    /// the target and route set (loose or strict routing), our From, the
    /// peer's To, the next CSeq (ACK and CANCEL reuse `cseq`).
    public mutating func makeRequest(
        _ method: SIPMethod, via: SIPVia, contact: SIPNameAddress? = nil, cseq: UInt32? = nil,
        extraHeaders: SIPHeaders = SIPHeaders(), body: [UInt8] = []
    ) -> SIPMessage {
        let sequence: UInt32
        if let cseq {
            sequence = cseq
        } else {
            localSequence = localSequence == 0 ? 1 : localSequence &+ 1
            sequence = localSequence
        }
        var requestURI = remoteTarget
        var routes = routeSet
        if let first = routeSet.first, !first.uri.parameters.contains("lr") {
            // Strict routing (§12.2.1.1): the first route becomes the Request-URI.
            requestURI = first.uri
            routes = Array(routeSet.dropFirst()) + [SIPNameAddress(uri: remoteTarget)]
        }
        requestURI.parameters.remove("method")
        requestURI.headers = nil
        if method == .bye { state = .terminated }
        return SIPMessage(
            startLine: .request(method: method, uri: requestURI), via: [via], from: localAddress,
            to: remoteAddress, callID: id.callID, cseq: SIPCSeq(sequence, method), maxForwards: 70,
            contacts: contact.map { [$0] } ?? [], routes: routes, extraHeaders: extraHeaders, body: body)
    }

    /// The ACK for a 2xx to the INVITE with CSeq `inviteSequence` (§13.2.2.4).
    public mutating func makeACK(inviteSequence: UInt32, via: SIPVia, body: [UInt8] = []) -> SIPMessage {
        makeRequest(.ack, via: via, cseq: inviteSequence, body: body)
    }
}

/// The dialogs of an endpoint, found by ID.
public struct SIPDialogTable: Sendable {
    private var dialogs: [SIPDialogID: SIPDialog] = [:]

    public init() {}

    public var count: Int { dialogs.count }

    public subscript(id: SIPDialogID) -> SIPDialog? {
        get { dialogs[id] }
        set { dialogs[id] = newValue }
    }

    /// Routes an incoming request with a To tag to its dialog; nil when no
    /// dialog matches (answer 481, §12.2.2).
    public mutating func receive(_ request: SIPMessage) -> Result<SIPDialogID, SIPDialog.Refusal>? {
        guard let id = SIPDialogID.forIncoming(request), var dialog = dialogs[id] else { return nil }
        do {
            try dialog.receive(request)
        } catch {
            return .failure(error)
        }
        dialogs[id] = dialog.state == .terminated ? nil : dialog
        return .success(id)
    }

    public mutating func remove(_ id: SIPDialogID) {
        dialogs[id] = nil
    }
}
