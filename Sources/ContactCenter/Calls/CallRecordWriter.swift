import Foundation
import Logging
import NIOConcurrencyHelpers
import Storage

/// Hands call records to the store in the order calls produce them, off the event loop: a
/// call's in-progress row is always written before its final row. Records that queue up while
/// a write is on its way go together in the next one (one disk flush for many calls), so a
/// busy node is not held to the disk's flushes per second; a call that started and ended
/// between two writes gets only its final row. With a `spacing`, writes start at least that far
/// apart while records keep coming (a record that finds the writer idle is still written at
/// once), so a busy node flushes the disk fewer times for the same records. ``run()`` writes until ``finish()``
/// and then drains what is queued, so a graceful stop loses no finished call.
/// With an inspection queue, an answered call's recording is enqueued for quality inspection
/// once its final row is written (a stop between the two is caught up by the worker's start).
public final class CallRecordWriter: Sendable {
    private struct Pending {
        var started: [CallRecord] = []
        var ended: [CallRecord] = []
        var finished = false
        var queued = 0
        var written = 0
        var failed = 0
        var batches = 0
    }

    public let store: any CallStore
    public let inspections: (any InspectionQueue)?
    private let pending = NIOLockedValueBox(Pending())
    /// Wakes ``run()``; one buffered wake-up is enough, whatever queued meanwhile.
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logger: Logger
    /// The least time from the start of one write to the start of the next.
    public let spacing: Duration
    private let pause: @Sendable (Duration) async -> Void

    /// - Parameters:
    ///   - spacing: the least time from the start of one write to the start of the next.
    ///   - pause: waits out what is left of `spacing` after a write (injected by tests).
    public init(store: any CallStore, inspections: (any InspectionQueue)? = nil, spacing: Duration = .zero,
                pause: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }, logger: Logger) {
        self.store = store
        self.inspections = inspections
        self.spacing = spacing
        self.pause = pause
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues the in-progress row of a call that started.
    public func started(_ record: CallRecord) {
        pending.withLockedValue {
            $0.started.append(record)
            $0.queued += 1
        }
        wake.yield()
    }

    /// Queues the final row of a call that ended.
    public func ended(_ record: CallRecord) {
        pending.withLockedValue {
            $0.ended.append(record)
            $0.queued += 1
        }
        wake.yield()
    }

    /// Records queued, written and failed so far, and the writes they took.
    public var statistics: (queued: Int, written: Int, failed: Int, batches: Int) {
        pending.withLockedValue { ($0.queued, $0.written, $0.failed, $0.batches) }
    }

    /// Stops waiting for records; ``run()`` returns once the queue is written.
    public func finish() {
        pending.withLockedValue { $0.finished = true }
        wake.finish()
    }

    /// Writes queued records until ``finish()``. A failed batch is retried a few times, then
    /// logged and dropped.
    public func run() async {
        var iterator = wakeups.makeAsyncIterator()
        while true {
            let (started, ended, finished) = pending.withLockedValue { state in
                defer {
                    state.started.removeAll(keepingCapacity: true)
                    state.ended.removeAll(keepingCapacity: true)
                }
                return (state.started, state.ended, state.finished)
            }
            if !started.isEmpty || !ended.isEmpty {
                let open = Self.stillOpen(started, ended: ended)
                let began = ContinuousClock.now
                await write(started: open, ended: ended, superseded: started.count - open.count)
                let left = spacing - (ContinuousClock.now - began)
                if left > .zero, !finished {
                    // Records that come meanwhile wait for the next write, together.
                    await pause(left)
                }
                continue
            }
            if finished { return }
            guard await iterator.next() != nil else {
                // Finished: one more pass writes what queued last.
                continue
            }
        }
    }

    /// The in-progress rows still worth writing: a call whose final row goes in the same write
    /// needs none (short calls under load start and end between two writes).
    static func stillOpen(_ started: [CallRecord], ended: [CallRecord]) -> [CallRecord] {
        guard !started.isEmpty, !ended.isEmpty else { return started }
        let finished = Set(ended.map(\.id))
        return started.filter { !finished.contains($0.id) }
    }

    /// Writes one batch; `superseded` in-progress rows were left out because their final rows are in it.
    private func write(started: [CallRecord], ended: [CallRecord], superseded: Int) async {
        for attempt in 1...3 {
            do {
                try await store.record(started: started, ended: ended)
                pending.withLockedValue {
                    $0.written += started.count + ended.count + superseded
                    $0.batches += 1
                }
                await enqueueInspections(ended)
                return
            } catch {
                if attempt == 3 {
                    pending.withLockedValue { $0.failed += started.count + ended.count + superseded }
                    logger.error("call records not written", metadata: ["count": "\(started.count + ended.count)", "error": "\(error)"])
                    return
                }
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    /// Enqueues the recordings of the answered calls among `records`, all in one write; retried
    /// a few times, then logged (the worker's start catches up on what is missing).
    private func enqueueInspections(_ records: [CallRecord]) async {
        guard let inspections else { return }
        let recordings = records.compactMap { record -> (callID: UUID, recording: String)? in
            guard record.disposition == .answered, let recording = record.recording else { return nil }
            return (record.id, recording)
        }
        guard !recordings.isEmpty else { return }
        for attempt in 1...3 {
            do {
                try await inspections.enqueueInspections(recordings, now: Date())
                return
            } catch {
                if attempt == 3 { logger.error("recordings not enqueued for inspection", metadata: ["count": "\(recordings.count)", "error": "\(error)"]) }
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
}
