import Foundation

/// Admits events at a sustained rate with bursts of up to `burst` at once: a token bucket. A value with no
/// clock of its own — the caller passes the time — so tests drive it with an injected one.
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens the bucket holds (and so the largest burst admitted at once).
    public let burst: Double
    private var tokens: Double
    private var last: Date?

    /// A full bucket; `burst` defaults to one second's worth (at least one).
    public init(rate: Double, burst: Double? = nil) {
        precondition(rate > 0, "a token bucket needs a positive rate")
        self.rate = rate
        self.burst = max(1, burst ?? rate)
        tokens = self.burst
    }

    /// Takes a token at `now` if there is one. A clock that steps back adds nothing.
    public mutating func take(at now: Date) -> Bool {
        if let last {
            let elapsed = now.timeIntervalSince(last)
            if elapsed > 0 { tokens = min(burst, tokens + elapsed * rate) }
        }
        if last == nil || now > last! { last = now }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// The call-rate limits of the node (`hotline.calls-per-second`) and of each trunk (`calls-per-second`).
/// A reload keeps a bucket whose limit did not change, so it cannot be used to reset a limit.
struct CallRateLimits: Sendable {
    /// Which limit refused a call.
    enum Limit: Sendable, Equatable {
        case trunk(String)
        case node
    }

    private var node: TokenBucket?
    private var trunks: [String: TokenBucket] = [:]

    init(_ configuration: HotlineConfiguration) {
        reconfigure(configuration)
    }

    mutating func reconfigure(_ configuration: HotlineConfiguration) {
        let nodeRate = configuration.hotline.callsPerSecond.map(Double.init)
        if node?.rate != nodeRate { node = nodeRate.map { TokenBucket(rate: $0) } }
        var kept: [String: TokenBucket] = [:]
        for trunk in configuration.trunks {
            guard let rate = trunk.callsPerSecond.map(Double.init) else { continue }
            kept[trunk.name] = trunks[trunk.name].flatMap { $0.rate == rate ? $0 : nil } ?? TokenBucket(rate: rate)
        }
        trunks = kept
    }

    /// Takes a call on `trunk` at `now`: nil when admitted, else the limit that refused it. The trunk's
    /// limit is asked first, so one trunk's flood does not use up the node's allowance.
    mutating func admit(trunk: String, at now: Date) -> Limit? {
        if trunks[trunk] != nil, !trunks[trunk]!.take(at: now) { return .trunk(trunk) }
        if node != nil, !node!.take(at: now) { return .node }
        return nil
    }
}
