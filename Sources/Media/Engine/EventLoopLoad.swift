#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore

/// Measures how busy event loop threads are: every interval, a task on each loop reads the CPU
/// time its own thread has used (`CLOCK_THREAD_CPUTIME_ID`) and reports the part of the wall time
/// since the last reading that the thread spent running, 0…1. What the loop waited for (the
/// kernel's epoll, a core taken by another program) does not count as busy.
public final class EventLoopLoadSampler: Sendable {
    private let tasks = NIOLockedValueBox<[RepeatedTask]>([])

    public init() {}

    /// Starts measuring `loops`; `report(index, busy)` is called on loop `index` after every interval.
    public func start(loops: [any EventLoop], every interval: TimeAmount,
                      report: @escaping @Sendable (_ loop: Int, _ busy: Double) -> Void) {
        let started = loops.enumerated().map { index, loop in
            let reading = LoopReading()
            return loop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in
                if let busy = reading.next(cpu: Self.threadCPUTime(), wall: .now()) { report(index, busy) }
            }
        }
        tasks.withLockedValue { $0.append(contentsOf: started) }
    }

    /// Stops every measurement started.
    public func stop() {
        for task in tasks.withLockedValue({ tasks in defer { tasks.removeAll() }; return tasks }) { task.cancel() }
    }

    /// CPU time used so far by the calling thread.
    public static func threadCPUTime() -> TimeAmount {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .nanoseconds(Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }
}

/// The last reading of one loop, used only on that loop.
private final class LoopReading: @unchecked Sendable {
    private var last: (cpu: TimeAmount, wall: NIODeadline)?

    func next(cpu: TimeAmount, wall: NIODeadline) -> Double? {
        defer { last = (cpu, wall) }
        guard let last else { return nil }
        return EventLoopBusy.fraction(cpu: cpu - last.cpu, wall: wall - last.wall)
    }
}

/// Busy fraction arithmetic, kept apart from the clocks so it can be tested.
enum EventLoopBusy {
    /// `cpu` over `wall`, held to 0…1; nil for an empty interval.
    static func fraction(cpu: TimeAmount, wall: TimeAmount) -> Double? {
        guard wall.nanoseconds > 0 else { return nil }
        return min(max(Double(cpu.nanoseconds) / Double(wall.nanoseconds), 0), 1)
    }
}
