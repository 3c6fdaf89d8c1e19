import NIOConcurrencyHelpers
import NIOCore

/// Keeps the sockets of ended calls open for a while, per event loop, so that a new call on the
/// same loop takes a bound pair (RTP and RTCP) instead of creating, binding, registering and later
/// closing two sockets of its own: on a busy node those steps cost more than the call's signalling.
///
/// A shelved socket stays bound and keeps its port (the pool counts it in use); datagrams that
/// still come to it are read and dropped. It is handed out again only after ``Policy/quarantine``
/// (late packets of the ended call never reach the next), oldest first, and only on its own loop.
/// Beyond ``Policy/capacity`` per loop, or after ``Policy/maximumIdle`` unused, a socket is closed
/// and its port goes back to the pool (a loop with sockets at rest sweeps its shelf every
/// ``Policy/maximumIdle``, so a node that goes quiet lets them all go). Thread-safe.
public final class RTPSocketShelf: Sendable {
    /// How many sockets are kept and for how long.
    public struct Policy: Sendable {
        /// Sockets kept per event loop.
        public var capacity: Int
        /// How long a socket rests after its call before another call gets it.
        public var quarantine: TimeAmount
        /// A socket unused for this long is closed.
        public var maximumIdle: TimeAmount

        /// The defaults keep up with 2,000 calls a second per loop (a socket rests half a second)
        /// and hold at most 2,048 descriptors per loop.
        public init(capacity: Int = 1024, quarantine: TimeAmount = .milliseconds(500), maximumIdle: TimeAmount = .seconds(10)) {
            self.capacity = capacity
            self.quarantine = quarantine
            self.maximumIdle = maximumIdle
        }
    }

    /// A bound pair at rest.
    struct Entry: Sendable {
        var socket: RTPSocket.Parts
        var since: NIODeadline
    }

    /// One loop's sockets, oldest first (a class, so it is changed in place under the lock).
    private final class Rest: @unchecked Sendable {
        var entries = CircularBuffer<Entry>()
        /// Whether a sweep is scheduled on the loop.
        var sweeping = false

        /// Takes out, oldest first, what is beyond `capacity` or unused for longer than `maximumIdle` at `time`.
        func removeExcess(capacity: Int, maximumIdle: TimeAmount, at time: NIODeadline) -> [Entry] {
            var removed: [Entry] = []
            while let first = entries.first, entries.count > capacity || time - first.since > maximumIdle {
                removed.append(entries.removeFirst())
            }
            return removed
        }
    }

    public let policy: Policy
    private let now: @Sendable () -> NIODeadline
    private let shelves = NIOLockedValueBox<[ObjectIdentifier: Rest]>([:])

    /// - Parameter now: the monotonic clock (injected by tests).
    public init(policy: Policy = Policy(), now: @escaping @Sendable () -> NIODeadline = { .now() }) {
        self.policy = policy
        self.now = now
    }

    /// Sockets on the shelf, every loop together.
    public var count: Int { shelves.withLockedValue { $0.values.reduce(0) { $0 + $1.entries.count } } }

    /// Takes the oldest socket of `loop` bound to `host` (with an RTCP socket when `rtcp`) that has
    /// rested at least the quarantine; closes those idle too long on the way.
    func take(on loop: any EventLoop, host: String, rtcp: Bool) -> RTPSocket.Parts? {
        let time = now()
        var stale: [Entry] = []
        let found: Entry? = shelves.withLockedValue { shelves in
            guard let shelf = shelves[ObjectIdentifier(loop)] else { return nil }
            stale = shelf.removeExcess(capacity: .max, maximumIdle: policy.maximumIdle, at: time)
            guard let first = shelf.entries.first, time - first.since >= policy.quarantine,
                  first.socket.host == host, (first.socket.rtcpChannel != nil) == rtcp else { return nil }
            return shelf.entries.removeFirst()
        }
        for entry in stale { entry.socket.close() }
        return found?.socket
    }

    /// Shelves `socket`, or says no (the caller closes it) when the policy keeps none.
    func put(_ socket: RTPSocket.Parts) -> Bool {
        guard policy.capacity > 0 else { return false }
        let time = now()
        let (evicted, startSweeping): ([Entry], Bool) = shelves.withLockedValue { shelves in
            let key = ObjectIdentifier(socket.eventLoop)
            let shelf = shelves[key] ?? Rest()
            shelves[key] = shelf
            shelf.entries.append(Entry(socket: socket, since: time))
            let evicted = shelf.removeExcess(capacity: policy.capacity, maximumIdle: policy.maximumIdle, at: time)
            defer { shelf.sweeping = true }
            return (evicted, !shelf.sweeping)
        }
        for entry in evicted { entry.socket.close() }
        if startSweeping { scheduleSweep(on: socket.eventLoop) }
        return true
    }

    /// Closes the sockets of every loop that have been unused longer than ``Policy/maximumIdle``.
    public func sweep() {
        let time = now()
        let stale: [Entry] = shelves.withLockedValue { shelves in
            shelves.values.flatMap { $0.removeExcess(capacity: .max, maximumIdle: policy.maximumIdle, at: time) }
        }
        for entry in stale { entry.socket.close() }
    }

    /// Sweeps every ``Policy/maximumIdle`` while `loop` has sockets at rest.
    private func scheduleSweep(on loop: any EventLoop) {
        loop.scheduleTask(in: policy.maximumIdle) { [weak self] in
            guard let self else { return }
            self.sweep()
            let again = self.shelves.withLockedValue { shelves -> Bool in
                guard let shelf = shelves[ObjectIdentifier(loop)] else { return false }
                shelf.sweeping = !shelf.entries.isEmpty
                return shelf.sweeping
            }
            if again { self.scheduleSweep(on: loop) }
        }
    }

    /// Closes every shelved socket (their ports go back to the pool once closed).
    public func closeAll() -> EventLoopFuture<Void>? {
        let all = shelves.withLockedValue { shelves in
            defer { shelves.removeAll() }
            return shelves.values.flatMap { Array($0.entries) }
        }
        guard let loop = all.first?.socket.eventLoop else { return nil }
        return EventLoopFuture.andAllComplete(all.map { $0.socket.close() }, on: loop)
    }
}
