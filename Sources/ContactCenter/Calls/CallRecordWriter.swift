import Logging
import NIOConcurrencyHelpers
import Storage

/// Hands call records to the store in the order calls produce them, off the event loop: a
/// call's in-progress row is always written before its final row. ``run()`` writes until
/// ``finish()`` and then drains what is queued, so a graceful stop loses no finished call.
public final class CallRecordWriter: Sendable {
    enum Write: Sendable {
        case started(CallRecord)
        case ended(CallRecord)
    }

    public let store: any CallStore
    private let stream: AsyncStream<Write>
    private let continuation: AsyncStream<Write>.Continuation
    private let logger: Logger
    private let counts = NIOLockedValueBox((queued: 0, written: 0, failed: 0))

    public init(store: any CallStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Write.self)
    }

    /// Queues the in-progress row of a call that started.
    public func started(_ record: CallRecord) { enqueue(.started(record)) }

    /// Queues the final row of a call that ended.
    public func ended(_ record: CallRecord) { enqueue(.ended(record)) }

    private func enqueue(_ write: Write) {
        counts.withLockedValue { $0.queued += 1 }
        continuation.yield(write)
    }

    /// Records queued, written and failed so far.
    public var statistics: (queued: Int, written: Int, failed: Int) { counts.withLockedValue { $0 } }

    /// Stops taking new records; ``run()`` returns once the queue is written.
    public func finish() { continuation.finish() }

    /// Writes records until ``finish()``. A failed write is retried a few times, then logged.
    public func run() async {
        for await write in stream {
            var attempt = 0
            while true {
                do {
                    switch write {
                    case .started(let record): try await store.callStarted(record)
                    case .ended(let record): try await store.callEnded(record)
                    }
                    counts.withLockedValue { $0.written += 1 }
                    break
                } catch {
                    attempt += 1
                    if attempt >= 3 {
                        counts.withLockedValue { $0.failed += 1 }
                        logger.error("call record not written", metadata: ["error": "\(error)"])
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(100 * attempt))
                }
            }
        }
    }
}
