/// An RFC 3261 server transaction (§17.2), INVITE or non-INVITE, with the
/// RFC 6026 `Accepted` state: after a 2xx, INVITE retransmissions are
/// absorbed and the 2xx is retransmitted until the TU reports its ACK.
public struct ServerTransaction: Sendable {
    public enum State: Sendable, Equatable {
        case trying, proceeding, accepted, completed, confirmed, terminated
    }

    public let request: SIPMessage
    public let isInvite: Bool
    public let reliable: Bool
    public let timers: TransactionTimerValues
    public private(set) var state: State
    /// The last response sent, resent when the request is retransmitted.
    public private(set) var lastResponse: SIPMessage?
    private var interval: Duration

    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimerValues = TransactionTimerValues()) {
        self.request = request
        self.isInvite = request.method == .invite
        self.reliable = reliable
        self.timers = timers
        self.state = isInvite ? .proceeding : .trying
        self.interval = timers.t1
    }

    /// A retransmission of the request (or, for INVITE, an ACK to a non-2xx).
    public mutating func receive(_ request: SIPMessage) -> [TransactionAction] {
        if request.method == .ack {
            guard isInvite, state == .completed else { return [] }
            state = .confirmed
            return [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, after: reliable ? .zero : timers.t4)]
        }
        switch state {
        case .proceeding, .completed:
            return lastResponse.map { [.send($0)] } ?? []
        default:
            return [] // trying: nothing to resend; accepted/confirmed: absorbed
        }
    }

    /// The transaction user sends a response.
    public mutating func send(_ response: SIPMessage) -> [TransactionAction] {
        guard let status = response.statusCode else { return [] }
        switch state {
        case .trying, .proceeding:
            lastResponse = response
            if status < 200 {
                state = .proceeding
                return [.send(response)]
            }
            if isInvite && status < 300 {
                state = .accepted
                interval = timers.t1
                var actions: [TransactionAction] = [.send(response), .startTimer(.l, after: timers.transactionTimeout)]
                if !reliable { actions.append(.startTimer(.g, after: interval)) }
                return actions
            }
            state = .completed
            if isInvite {
                var actions: [TransactionAction] = [.send(response), .startTimer(.h, after: timers.transactionTimeout)]
                if !reliable { actions.append(.startTimer(.g, after: interval)) }
                return actions
            }
            return [.send(response), .startTimer(.j, after: reliable ? .zero : timers.transactionTimeout)]
        case .accepted where (200..<300).contains(status):
            lastResponse = response
            return [.send(response)]
        default:
            return []
        }
    }

    /// The ACK for a 2xx reached the TU: stop retransmitting the 2xx.
    public mutating func acknowledged() -> [TransactionAction] {
        guard state == .accepted else { return [] }
        return [.cancelTimer(.g)]
    }

    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (timer, state) {
        case (.g, .completed), (.g, .accepted):
            interval = min(interval * 2, timers.t2)
            return (lastResponse.map { [.send($0)] } ?? []) + [.startTimer(.g, after: interval)]
        case (.h, .completed):
            state = .terminated
            return [.cancelTimer(.g), .timeout, .terminate]
        case (.i, .confirmed), (.j, .completed), (.l, .accepted):
            state = .terminated
            return [.cancelTimer(.g), .terminate]
        default:
            return []
        }
    }

    public mutating func transportError() -> [TransactionAction] {
        guard state != .terminated else { return [] }
        state = .terminated
        return [.timeout, .terminate]
    }
}

/// How requests and responses find their transaction (§17.1.3, §17.2.3),
/// including RFC 2543 matching for branches without the magic cookie.
public enum TransactionKey: Hashable, Sendable {
    case rfc3261(branch: String, sentBy: String, method: SIPMethod)
    case rfc2543(requestURI: String, fromTag: String, callID: String, cseq: UInt32, topVia: String, method: SIPMethod)

    /// The server transaction a request belongs to. ACK matches its INVITE.
    public static func server(for request: SIPMessage) -> TransactionKey? {
        guard let top = request.via.first else { return nil }
        let method: SIPMethod = request.method == .ack ? .invite : request.method
        if let branch = top.branch, top.isRFC3261Branch, branch.utf8.count > SIPVia.magicCookie.utf8.count {
            return .rfc3261(branch: branch, sentBy: "\(top.host.asciiLowercased):\(top.port ?? 0)", method: method)
        }
        return .rfc2543(
            requestURI: request.requestURI?.description ?? "", fromTag: request.from.tag ?? "",
            callID: request.callID, cseq: request.cseq.sequence, topVia: top.description, method: method)
    }

    /// The client transaction a message belongs to: a response we
    /// received, or a request we send (§17.1.3: top Via branch and CSeq method).
    public static func client(for message: SIPMessage) -> TransactionKey? {
        guard let branch = message.via.first?.branch else { return nil }
        let method: SIPMethod = message.cseq.method == .ack ? .invite : message.cseq.method
        return .rfc3261(branch: branch, sentBy: "", method: method)
    }

    /// The INVITE transaction a CANCEL targets (§9.2).
    public func cancelTarget() -> TransactionKey {
        switch self {
        case .rfc3261(let b, let s, _): return .rfc3261(branch: b, sentBy: s, method: .invite)
        case .rfc2543(let u, let f, let c, let n, let v, _):
            return .rfc2543(requestURI: u, fromTag: f, callID: c, cseq: n, topVia: v, method: .invite)
        }
    }
}
