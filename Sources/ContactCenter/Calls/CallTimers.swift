import NIOConcurrencyHelpers
import NIOCore

/// A timer started through a ``CallTimerDriver``.
public protocol CallTimer: Sendable {
    func cancel()
}

/// Runs the call layer's timers (digit timeouts, webhook attempts, ring time, session and
/// maximum-duration timers). The server uses ``EventLoopTimerDriver``; tests use
/// ``ManualTimerDriver`` and fire timers themselves instead of waiting.
public protocol CallTimerDriver: Sendable {
    /// Runs `body` on `loop` after `delay` unless the returned timer is cancelled first.
    /// `label` names the timer for tests and logs.
    func schedule(_ label: String, after delay: Duration, on loop: any EventLoop,
                  _ body: @escaping @Sendable () -> Void) -> any CallTimer
}

/// Timers on the event loop's own scheduler.
public struct EventLoopTimerDriver: CallTimerDriver {
    public init() {}

    public func schedule(_ label: String, after delay: Duration, on loop: any EventLoop,
                         _ body: @escaping @Sendable () -> Void) -> any CallTimer {
        let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        return ScheduledTimer(task: loop.scheduleTask(in: .nanoseconds(nanoseconds), body))
    }

    private struct ScheduledTimer: CallTimer {
        let task: Scheduled<Void>
        func cancel() { task.cancel() }
    }
}

/// Timers that fire only when a test says so, in the order asked.
public final class ManualTimerDriver: CallTimerDriver {
    private struct Entry {
        var id: Int
        var label: String
        var delay: Duration
        var loop: any EventLoop
        var body: @Sendable () -> Void
    }

    private let state = NIOLockedValueBox<(next: Int, pending: [Entry])>((0, []))

    public init() {}

    public func schedule(_ label: String, after delay: Duration, on loop: any EventLoop,
                         _ body: @escaping @Sendable () -> Void) -> any CallTimer {
        let id = state.withLockedValue { state in
            state.next += 1
            state.pending.append(Entry(id: state.next, label: label, delay: delay, loop: loop, body: body))
            return state.next
        }
        return ManualTimer(driver: self, id: id)
    }

    /// Labels of the timers running now, oldest first.
    public var pending: [String] { state.withLockedValue { $0.pending.map(\.label) } }

    /// The delay the oldest running timer labelled `label` was started with.
    public func delay(of label: String) -> Duration? {
        state.withLockedValue { $0.pending.first { $0.label == label }?.delay }
    }

    /// Fires the oldest running timer labelled `label` on its loop; false when none runs.
    @discardableResult
    public func fire(_ label: String) -> Bool {
        let entry: Entry? = state.withLockedValue { state in
            guard let index = state.pending.firstIndex(where: { $0.label == label }) else { return nil }
            return state.pending.remove(at: index)
        }
        guard let entry else { return false }
        entry.loop.execute(entry.body)
        return true
    }

    fileprivate func cancel(_ id: Int) {
        state.withLockedValue { $0.pending.removeAll { $0.id == id } }
    }

    private struct ManualTimer: CallTimer {
        let driver: ManualTimerDriver
        let id: Int
        func cancel() { driver.cancel(id) }
    }
}
