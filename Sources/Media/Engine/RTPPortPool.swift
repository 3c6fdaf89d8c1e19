import NIOConcurrencyHelpers

/// The RTP ports of one media engine: even ports from a range (RTP on the
/// even port, RTCP on the odd port above it), handed out in round-robin
/// order so a port just released is the last to be reused (late packets of
/// an ended call do not reach the next one).
///
/// Thread-safe; every operation is O(1). A port is in use from
/// ``acquire()`` until ``release(_:)``. The pool knows nothing of sockets: a
/// port another program holds is found when the bind fails, and the binder
/// (``RTPSocket/bind(on:host:pool:rtcp:maxAttempts:onDatagram:)``) releases
/// it and acquires the next.
public final class RTPPortPool: Sendable {
    /// The default range, as in most SBCs and Asterisk's `rtp.conf` examples.
    public static let defaultRange: ClosedRange<Int> = 20000...29999

    private struct State {
        /// Free ports in the order they will be handed out (a ring buffer).
        var ring: [Int]
        var head = 0
        var freeCount: Int
        var used: [Bool]
    }

    /// The range given at creation.
    public let range: ClosedRange<Int>
    /// The lowest even port of the range; port `base + 2 * i` is slot `i`.
    private let base: Int
    /// How many RTP ports the pool holds.
    public let capacity: Int
    private let state: NIOLockedValueBox<State>
    /// Where sockets bound from this pool rest between calls, if anywhere (``RTPSocketShelf``).
    public let shelf: RTPSocketShelf?

    /// A pool of the even ports `p` in `range` whose RTCP port `p + 1` is also in `range`.
    /// With a `shelf`, sockets bound from the pool are kept open between calls for reuse.
    /// - Precondition: the range holds at least one such pair, within 1...65535.
    public init(range: ClosedRange<Int> = RTPPortPool.defaultRange, shelf: RTPSocketShelf? = nil) {
        self.shelf = shelf
        precondition(range.lowerBound >= 1 && range.upperBound <= 65535, "RTP port range \(range) is outside 1...65535")
        let first = range.lowerBound + (range.lowerBound & 1)
        let ports = Array(stride(from: first, to: range.upperBound, by: 2))
        precondition(!ports.isEmpty, "RTP port range \(range) holds no even port with its RTCP port")
        self.range = range
        self.base = first
        self.capacity = ports.count
        self.state = NIOLockedValueBox(State(ring: ports, freeCount: ports.count, used: [Bool](repeating: false, count: ports.count)))
    }

    /// An RTP port (even; its RTCP port is the next one), or nil when every port is in use.
    public func acquire() -> Int? {
        state.withLockedValue { s in
            guard s.freeCount > 0 else { return nil }
            let port = s.ring[s.head]
            s.head = (s.head + 1) % s.ring.count
            s.freeCount -= 1
            s.used[(port - base) / 2] = true
            return port
        }
    }

    /// Gives a port back. Releasing a port that is not in use (twice, or never acquired) does nothing.
    public func release(_ port: Int) {
        let slot = (port - base) / 2
        guard port >= base, port & 1 == base & 1, slot < capacity else { return }
        state.withLockedValue { s in
            guard s.used[slot] else { return }
            s.used[slot] = false
            s.ring[(s.head + s.freeCount) % s.ring.count] = port
            s.freeCount += 1
        }
    }

    /// Ports currently in use.
    public var inUse: Int { state.withLockedValue { capacity - $0.freeCount } }

    /// Whether `port` is currently in use.
    public func isInUse(_ port: Int) -> Bool {
        let slot = (port - base) / 2
        guard port >= base, port & 1 == base & 1, slot < capacity else { return false }
        return state.withLockedValue { $0.used[slot] }
    }
}
