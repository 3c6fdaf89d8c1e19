import Foundation
import Logging
import NIOCore
import NIOPosix

/// One call recording's file. Created, written and finalized only by the jobs of its loop's
/// ``RecordingWrites``, which run one at a time.
final class RecordingFile: @unchecked Sendable {
    let path: String
    private let logger: Logger
    fileprivate var writer: WAVFileWriter?
    /// Set at the first error; nothing more is written after it.
    fileprivate var failed = false

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    fileprivate func fail(_ error: any Error, _ what: Logger.Message) {
        guard !failed else { return }
        failed = true
        logger.error(what, metadata: ["path": "\(path)", "error": "\(error)"])
    }
}

/// The file work of the call recordings on one event loop. What the loop's calls hand over during one turn
/// of the loop (a media tick drains many calls' recordings) goes to the thread pool as one job, and the jobs
/// run one after another, so each file's operations keep their order. One job per turn instead of one per
/// call and write spares the pool's hand-offs and the loop's wake-ups for their completions.
final class RecordingWrites: @unchecked Sendable {
    enum Operation {
        /// Makes the file's folder (with its parents) and the file, with a WAV header to be finalized.
        case create(RecordingFile)
        /// Appends interleaved stereo samples.
        case write(RecordingFile, [Int16])
        /// Writes the final header and closes the file; the promise gets its length in seconds, or nil when
        /// it was never created.
        case finalize(RecordingFile, EventLoopPromise<Double?>)
    }

    let eventLoop: any EventLoop
    private let pool: NIOThreadPool
    private var pending: [Operation] = []
    private var submitScheduled = false
    private var chain: EventLoopFuture<Void>
    /// Jobs handed to the pool so far (read on the loop).
    private(set) var jobs = 0

    /// Every loop's queue. A queue holds its loop, so a loop's identifier is never reused while it is here.
    private static let queues = PerEventLoop<RecordingWrites>()

    /// The queue of `eventLoop`, writing on `NIOThreadPool.singleton`.
    static func of(_ eventLoop: any EventLoop) -> RecordingWrites {
        queues.value(for: eventLoop) { RecordingWrites(eventLoop: eventLoop, pool: .singleton) }
    }

    init(eventLoop: any EventLoop, pool: NIOThreadPool) {
        self.eventLoop = eventLoop
        self.pool = pool
        self.chain = eventLoop.makeSucceededVoidFuture()
    }

    /// Queues `operation`; it goes to the pool with everything else queued in this turn of the loop. Call on
    /// the loop.
    func enqueue(_ operation: Operation) {
        eventLoop.assertInEventLoop()
        pending.append(operation)
        guard !submitScheduled else { return }
        submitScheduled = true
        eventLoop.execute { self.submit() }
    }

    private func submit() {
        submitScheduled = false
        let batch = pending
        pending = []
        guard !batch.isEmpty else { return }
        jobs += 1
        let pool = self.pool, loop = eventLoop
        chain = chain.flatMap {
            pool.runIfActive(eventLoop: loop) { Self.run(batch) }
        }.recover { error in
            // The pool has shut down and none of the batch ran: no recording of it will be finished.
            for case let .finalize(_, promise) in batch { promise.fail(error) }
        }
    }

    private static func run(_ batch: [Operation]) {
        for operation in batch {
            switch operation {
            case let .create(file):
                do {
                    let folder = (file.path as NSString).deletingLastPathComponent
                    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                    file.writer = try WAVFileWriter(path: file.path, format: .pcm16, sampleRate: 8000, channels: 2)
                } catch {
                    file.fail(error, "recording not created")
                }
            case let .write(file, samples):
                guard let writer = file.writer, !file.failed else { continue }
                do { try writer.write(samples) } catch { file.fail(error, "recording write failed") }
            case let .finalize(file, promise):
                guard let writer = file.writer else {
                    promise.succeed(nil)
                    continue
                }
                do { try writer.finalize() } catch { file.fail(error, "recording not finalized") }
                promise.succeed(Double(writer.framesWritten) / 8000)
            }
        }
    }
}
