import NIOCore

/// Many timers on one event loop, each started and cancelled in constant time, behind one NIO
/// scheduled task for the earliest deadline.
///
/// A busy SIP node keeps tens of thousands of timers (every INVITE transaction lives 32 s after
/// its 2xx) and cancels most of the short ones (an ACK stops a 200's retransmissions). Cancelling
/// a NIO scheduled task searches the loop's whole task queue, so with one task per timer the cost
/// of a call grows with the call rate. Here timers with the same delay share a lane, in the order
/// they were started, which is also the order they fall due (the loop's clock is monotonic);
/// the earliest deadline is the earliest head among the lanes (SIP uses a handful of delays).
/// A cancelled timer only forgets its action; its entry leaves its lane when it reaches the head.
///
/// Meant for a few distinct delays (a lane stays once made). Confined to its loop: call every
/// method on ``eventLoop``. Time is the loop's (`EventLoop.now`), so an `EmbeddedEventLoop`
/// drives it in virtual time.
public final class EventLoopTimers: @unchecked Sendable {
    /// A started timer, to cancel it.
    public struct Timer: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let deadline: NIODeadline
        let id: UInt64
    }

    public let eventLoop: any EventLoop
    /// Entries of one delay each, in deadline order.
    private var lanes: [CircularBuffer<Entry>] = []
    /// The lane of each delay (nanoseconds).
    private var laneOfDelay: [Int64: Int] = [:]
    /// Actions of the timers still running.
    private var actions: [UInt64: () -> Void] = [:]
    private var lastID: UInt64 = 0
    /// The NIO task armed for the earliest deadline.
    private var armed: (deadline: NIODeadline, task: Scheduled<Void>)?
    private var firing = false

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Timers started and neither fired nor cancelled.
    public var count: Int { actions.count }

    /// Runs `action` on the loop after `delay`, unless cancelled first.
    @discardableResult
    public func schedule(in delay: TimeAmount, _ action: @escaping () -> Void) -> Timer {
        eventLoop.preconditionInEventLoop()
        let delay = max(delay, .zero)
        let deadline = eventLoop.now + delay
        lastID += 1
        let lane: Int
        if let existing = laneOfDelay[delay.nanoseconds] {
            lane = existing
        } else {
            lane = lanes.count
            lanes.append(CircularBuffer(initialCapacity: 64))
            laneOfDelay[delay.nanoseconds] = lane
        }
        lanes[lane].append(Entry(deadline: deadline, id: lastID))
        actions[lastID] = action
        if !firing, armed.map({ deadline < $0.deadline }) ?? true { arm(at: deadline) }
        return Timer(id: lastID)
    }

    /// Stops `timer`; nothing happens when it already fired or was cancelled.
    public func cancel(_ timer: Timer) {
        actions[timer.id] = nil
    }

    /// Cancels every timer.
    public func cancelAll() {
        actions.removeAll()
        for lane in lanes.indices { lanes[lane].removeAll() }
        armed?.task.cancel()
        armed = nil
    }

    private func arm(at deadline: NIODeadline) {
        armed?.task.cancel()
        let task = eventLoop.scheduleTask(deadline: deadline) { [weak self] () -> Void in self?.fireDue() }
        armed = (deadline, task)
    }

    private func fireDue() {
        armed = nil
        firing = true
        let now = eventLoop.now
        while let (lane, entry) = earliest(), entry.deadline <= now {
            lanes[lane].removeFirst()
            if let action = actions.removeValue(forKey: entry.id) { action() }
        }
        firing = false
        if let (_, next) = earliest() { arm(at: next.deadline) }
    }

    /// The earliest running timer's lane and entry, after dropping cancelled heads.
    private func earliest() -> (Int, Entry)? {
        var best: (Int, Entry)?
        for lane in lanes.indices {
            while let head = lanes[lane].first, actions[head.id] == nil {
                lanes[lane].removeFirst()
            }
            guard let head = lanes[lane].first else { continue }
            if let current = best?.1, (current.deadline, current.id) <= (head.deadline, head.id) { continue }
            best = (lane, head)
        }
        return best
    }
}
