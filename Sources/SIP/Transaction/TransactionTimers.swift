/// The timer values of RFC 3261 §17 (table 4), from T1, T2 and T4.
public struct TransactionTimerValues: Sendable, Hashable {
    /// Round-trip time estimate.
    public var t1: Duration = .milliseconds(500)
    /// The longest retransmit interval for non-INVITE requests and INVITE responses.
    public var t2: Duration = .seconds(4)
    /// How long a message may stay in the network.
    public var t4: Duration = .seconds(5)

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// 64·T1: Timers B, F, H, J, L and M.
    public var transactionTimeout: Duration { t1 * 64 }
    /// Timer D: wait for response retransmissions (at least 32 s on unreliable transports).
    public func timerD(reliable: Bool) -> Duration { reliable ? .zero : max(.seconds(32), t1 * 64) }
}

/// The timers a transaction runs.
public enum TransactionTimer: String, Sendable, Hashable, CaseIterable {
    /// INVITE client: retransmit the request (unreliable transports).
    case a = "A"
    /// INVITE client: give up waiting for a final response.
    case b = "B"
    /// INVITE client: absorb final response retransmissions.
    case d = "D"
    /// Non-INVITE client: retransmit the request.
    case e = "E"
    /// Non-INVITE client: give up.
    case f = "F"
    /// INVITE server: retransmit the final response (or the 2xx until ACK).
    case g = "G"
    /// INVITE server: give up waiting for the ACK.
    case h = "H"
    /// INVITE server: absorb ACK retransmissions.
    case i = "I"
    /// Non-INVITE server: absorb request retransmissions.
    case j = "J"
    /// Non-INVITE client: absorb response retransmissions.
    case k = "K"
    /// INVITE server after a 2xx (RFC 6026): absorb INVITE retransmissions.
    case l = "L"
    /// INVITE client after a 2xx (RFC 6026): accept 2xx retransmissions.
    case m = "M"
}

/// What a transaction asks its shell to do.
public enum TransactionAction: Sendable, Equatable {
    /// Send this message to the transaction's peer.
    case send(SIPMessage)
    /// (Re)start a timer; it fires `after` from now unless cancelled.
    case startTimer(TransactionTimer, after: Duration)
    case cancelTimer(TransactionTimer)
    /// Hand this response up to the transaction user (client transactions).
    case deliverResponse(SIPMessage)
    /// No final response came in time (Timer B, F) or no ACK (Timer H).
    case timeout
    /// The transaction is over; forget it.
    case terminate
}
