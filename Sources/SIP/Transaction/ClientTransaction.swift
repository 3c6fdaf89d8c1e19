/// An RFC 3261 client transaction (§17.1), INVITE or non-INVITE, with the
/// RFC 6026 `Accepted` state for 2xx answers to INVITE.
///
/// A value that takes events and returns actions: it neither sends nor
/// sleeps. The shell sends what it asks and fires the timers it starts.
public struct ClientTransaction: Sendable {
    public enum State: Sendable, Equatable {
        case calling, trying, proceeding, accepted, completed, terminated
    }

    public let request: SIPMessage
    public let isInvite: Bool
    public let reliable: Bool
    public let timers: TransactionTimerValues
    public private(set) var state: State
    /// The current retransmit interval (Timer A or E).
    private var interval: Duration
    /// The ACK sent for a non-2xx final response, resent on its retransmissions.
    private var ack: SIPMessage?

    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimerValues = TransactionTimerValues()) {
        self.request = request
        self.isInvite = request.method == .invite
        self.reliable = reliable
        self.timers = timers
        self.state = isInvite ? .calling : .trying
        self.interval = timers.t1
    }

    /// Sends the request and starts the timers.
    public mutating func start() -> [TransactionAction] {
        var actions: [TransactionAction] = [.send(request)]
        if isInvite {
            if !reliable { actions.append(.startTimer(.a, after: interval)) }
            actions.append(.startTimer(.b, after: timers.transactionTimeout))
        } else {
            if !reliable { actions.append(.startTimer(.e, after: interval)) }
            actions.append(.startTimer(.f, after: timers.transactionTimeout))
        }
        return actions
    }

    /// A response matched to this transaction.
    public mutating func receive(_ response: SIPMessage) -> [TransactionAction] {
        guard let status = response.statusCode else { return [] }
        switch (isInvite, state) {
        case (true, .calling), (true, .proceeding):
            if status < 200 {
                let wasCalling = state == .calling
                state = .proceeding
                return (wasCalling ? [.cancelTimer(.a)] : []) + [.deliverResponse(response)]
            }
            if status < 300 {
                state = .accepted
                return [.cancelTimer(.a), .cancelTimer(.b), .deliverResponse(response),
                        .startTimer(.m, after: timers.transactionTimeout)]
            }
            state = .completed
            let ack = makeACK(for: response)
            self.ack = ack
            return [.cancelTimer(.a), .cancelTimer(.b), .send(ack), .deliverResponse(response),
                    .startTimer(.d, after: timers.timerD(reliable: reliable))]
        case (true, .accepted):
            // 2xx retransmissions go to the TU, which resends its ACK.
            return (200..<300).contains(status) ? [.deliverResponse(response)] : []
        case (true, .completed):
            return status >= 300 ? ack.map { [.send($0)] } ?? [] : []
        case (false, .trying), (false, .proceeding):
            if status < 200 {
                state = .proceeding
                return [.deliverResponse(response)]
            }
            state = .completed
            return [.cancelTimer(.e), .cancelTimer(.f), .deliverResponse(response),
                    .startTimer(.k, after: reliable ? .zero : timers.t4)]
        default:
            return []
        }
    }

    /// A timer the shell started has fired.
    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (timer, state) {
        case (.a, .calling):
            interval = interval * 2
            return [.send(request), .startTimer(.a, after: interval)]
        case (.b, .calling), (.b, .proceeding), (.f, .trying), (.f, .proceeding):
            state = .terminated
            return [.cancelTimer(.a), .cancelTimer(.e), .timeout, .terminate]
        case (.e, .trying):
            interval = min(interval * 2, timers.t2)
            return [.send(request), .startTimer(.e, after: interval)]
        case (.e, .proceeding):
            interval = timers.t2
            return [.send(request), .startTimer(.e, after: interval)]
        case (.d, .completed), (.k, .completed), (.m, .accepted):
            state = .terminated
            return [.terminate]
        default:
            return []
        }
    }

    /// The transport failed to deliver the request (§17.1.4).
    public mutating func transportError() -> [TransactionAction] {
        guard state != .terminated else { return [] }
        state = .terminated
        return [.timeout, .terminate]
    }

    /// The ACK for a non-2xx final response (§17.1.1.3).
    func makeACK(for response: SIPMessage) -> SIPMessage {
        var cseq = request.cseq
        cseq.method = .ack
        return SIPMessage(
            startLine: .request(method: .ack, uri: request.requestURI!),
            via: Array(request.via.prefix(1)), from: request.from, to: response.to,
            callID: request.callID, cseq: cseq, maxForwards: 70, routes: request.routes)
    }
}
