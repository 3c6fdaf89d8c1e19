/// What to do with a packet given where it came from.
public enum LatchDecision: Sendable, Hashable {
    /// The first source: latch to it and send to it from now on.
    case latched
    /// From the latched source.
    case accepted
    /// From another source after latching: drop it.
    case refused
}

/// Symmetric RTP (comedia): the first address media really arrives from is
/// where the leg sends, whatever the SDP said (callers behind NAT); after
/// that, packets from any other address are refused.
public struct SymmetricRTPLatch<Address: Hashable & Sendable>: Sendable {
    /// The address we latched to, nil before the first packet.
    public private(set) var latchedAddress: Address?
    /// Packets refused from other sources.
    public private(set) var refusedCount = 0

    public init() {}

    /// Decides on a packet from `source`.
    public mutating func decide(source: Address) -> LatchDecision {
        guard let latched = latchedAddress else {
            latchedAddress = source
            return .latched
        }
        if latched == source { return .accepted }
        refusedCount += 1
        return .refused
    }

    /// Forgets the latch (after a re-INVITE that moved the peer's media).
    public mutating func reset() { latchedAddress = nil }

    /// Where to send: the latched address, else the address from SDP.
    public func sendAddress(signalled: Address) -> Address { latchedAddress ?? signalled }
}

/// Dead-call detection: reports once when no media arrives for `timeout`, and again only after media resumed.
public struct MediaActivityMonitor: Sendable {
    public var timeout: Duration
    private var lastActivity: Duration
    private var reported = false

    /// `start` is when the leg began to expect media.
    public init(timeout: Duration, start: Duration) {
        self.timeout = timeout
        self.lastActivity = start
    }

    /// A packet arrived.
    public mutating func mediaArrived(at time: Duration) {
        if time > lastActivity { lastActivity = time }
        reported = false
    }

    /// Call on a timer; returns how long the leg has been silent the first time it passes `timeout`.
    public mutating func check(now: Duration) -> Duration? {
        let silence = now - lastActivity
        guard !reported, silence >= timeout else { return nil }
        reported = true
        return silence
    }

    /// Whether the leg is silent past the timeout at `now`.
    public func isDead(now: Duration) -> Bool { now - lastActivity >= timeout }
}
