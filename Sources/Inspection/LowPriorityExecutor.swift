import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A task executor with one thread of its own, run at a raised nice value on Linux: work
/// given to it gets the CPU only when the event loops that carry calls leave some over.
/// (Swift's cooperative pool has no such priority on Linux: `.background` only orders tasks.)
final class LowPriorityExecutor: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    /// The executor's thread, once it runs (tests).
    private(set) var thread: pthread_t?

    init(name: String, niceness: Int32) {
        let thread = Thread { [self] in
            condition.lock()
            self.thread = pthread_self()
            condition.unlock()
            Thread.current.name = name // set on the thread itself, so that Linux names it too
            #if os(Linux)
            // A nice value is per thread on Linux: PRIO_PROCESS with id 0 sets the calling thread's.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            #endif
            work()
        }
        thread.start()
    }

    fileprivate func append(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once its queue is empty.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` (and what it awaits that prefers no other executor) on this executor's thread,
    /// in a child task that starts there: a plain executor preference would let synchronous work
    /// before the first suspension run on the caller's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        if #available(macOS 15.0, *) {
            return await withTaskGroup(of: T.self) { group in
                group.addTask(executorPreference: self) { await body() }
                return await group.next()!
            }
        }
        return await body()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            if #available(macOS 15.0, *) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

@available(macOS 15.0, *)
extension LowPriorityExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        append(UnownedJob(job))
    }
}
