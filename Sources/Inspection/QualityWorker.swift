import Foundation
import Logging
import Quality
import ServiceLifecycle
import Storage

/// The server's quality-inspection worker: claims recordings from the store's inspection
/// queue, inspects each with the Quality engine and stores the result and score.
///
/// - At start, recordings a stopped worker had claimed become pending again, and answered
///   calls with a recording written in the last ``Settings/recoveryWindow`` but never
///   enqueued (the node stopped between writing the call and enqueuing it) are enqueued.
/// - ``Settings/concurrency`` slots (1 by default) each inspect one recording at a time on
///   a thread of their own at a raised nice value (Linux), so inspection takes only the CPU
///   that calls leave over.
/// - A failed attempt is retried after ``Settings/retryDelay`` seconds, doubled each time up
///   to ``Settings/maximumRetryDelay``; after ``Settings/maxAttempts`` attempts it is failed.
/// - On graceful shutdown no new recording is claimed; one being inspected is finished
///   when it can be, else left to be claimed again at the next start.
public final class QualityWorker: Service, Sendable {
    public struct Settings: Sendable, Equatable {
        /// Recordings inspected at once; 0 runs no worker.
        public var concurrency = 1
        /// Attempts per recording, the first included.
        public var maxAttempts = 3
        /// Seconds before the first retry; doubled for each further one.
        public var retryDelay: TimeInterval = 30
        public var maximumRetryDelay: TimeInterval = 3600
        /// How often an idle slot looks for work.
        public var pollInterval: Duration = .seconds(2)
        /// How far back the start-up check looks for answered calls that were never enqueued; nil: not at all.
        public var recoveryWindow: TimeInterval? = 86_400
        /// A rule pack YAML file; nil: the built-in 95-hotline pack.
        public var rulesFile: String?
        /// A speech recognition server for recordings without a transcript beside them; nil: timing and voice rules only.
        public var asr: ASRConfiguration?
        /// Nice value of the inspection threads (Linux), 0…19.
        public var niceness: Int32 = 10

        public init() {}

        /// Settings from the environment: `HOTLINE_QA_WORKERS` (concurrency, 0 turns the worker
        /// off), `HOTLINE_QA_RULES` (a rule pack file), `HOTLINE_ASR_URL` with `HOTLINE_ASR_MODEL`
        /// (default `whisper-1`), `HOTLINE_ASR_LANGUAGE` (default `zh`) and `HOTLINE_ASR_API_KEY`.
        /// `base` (from the configuration's `quality` section) with the environment's
        /// `HOTLINE_QA_*` and `HOTLINE_ASR_*` variables taking precedence.
        public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                           base: Settings = Settings()) throws -> Settings {
            var settings = base
            func value(_ name: String) -> String? {
                environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            }
            if let text = value("HOTLINE_QA_WORKERS") {
                guard let count = Int(text), (0...64).contains(count) else {
                    throw QualityWorkerError.configuration("HOTLINE_QA_WORKERS must be a whole number from 0 to 64, not '\(text)'")
                }
                settings.concurrency = count
            }
            settings.rulesFile = value("HOTLINE_QA_RULES")
            if let url = value("HOTLINE_ASR_URL") {
                var asr = ASRConfiguration(url: url, model: value("HOTLINE_ASR_MODEL") ?? "whisper-1")
                if let language = value("HOTLINE_ASR_LANGUAGE") { asr.language = language }
                asr.apiKey = value("HOTLINE_ASR_API_KEY")
                settings.asr = asr
            }
            return settings
        }

        /// One line for the server's start-up output.
        public var summary: String {
            guard concurrency > 0 else { return "off (no workers)" }
            let rules = rulesFile.map { "rules \($0)" } ?? "built-in 95-hotline rules"
            let asr = asr.map { "speech recognition at \($0.endpoint)" } ?? "no speech recognition (timing and voice rules only; set quality.asr in the configuration or HOTLINE_ASR_URL)"
            return "\(concurrency) worker\(concurrency == 1 ? "" : "s"), \(rules), \(asr)"
        }

        /// Seconds to wait after the `attempts`-th failed attempt.
        public func delay(afterAttempt attempts: Int) -> TimeInterval {
            min(maximumRetryDelay, retryDelay * pow(2, Double(max(0, attempts - 1))))
        }
    }

    /// What one pass over the queue did (``inspectDue()``).
    public struct Outcome: Sendable, Equatable {
        public var inspected = 0
        public var retried = 0
        public var failed = 0
        public init() {}
    }

    public let settings: Settings
    private let queue: any InspectionQueue
    private let calls: (any CallStore)?
    private let processor: CallProcessor
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - queue: the store's inspection queue.
    ///   - calls: where the start-up check finds answered calls never enqueued; nil skips it.
    ///   - now: the clock (tests move it to make retries due).
    public init(queue: any InspectionQueue, calls: (any CallStore)?, settings: Settings, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        let pack = try settings.rulesFile.map { try RulePack.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .standard
        let transcriber = settings.asr.map { StereoTranscriber(service: OpenAITranscriptionClient(configuration: $0)) }
        self.processor = CallProcessor(inspector: try QualityInspector(pack: pack), transcriber: transcriber)
        self.queue = queue
        self.calls = calls
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    /// Requeues and recovers, then inspects until graceful shutdown.
    public func run() async throws {
        guard settings.concurrency > 0 else {
            // A service that returns would stop the whole group.
            try? await gracefulShutdown()
            return
        }
        do {
            try await prepare()
        } catch {
            logger.error("inspection queue not prepared at start", metadata: ["error": "\(error)"])
        }
        let executors = (0..<settings.concurrency).map { LowPriorityExecutor(name: "quality-\($0)", niceness: settings.niceness) }
        defer { executors.forEach { $0.shutdown() } }
        await withTaskGroup(of: Void.self) { group in
            for executor in executors {
                group.addTask(priority: .background) { await self.runSlot(on: executor) }
            }
        }
    }

    /// The start-up work: recordings left running become pending; answered calls with a
    /// recording that were never enqueued are enqueued. Returns (requeued, recovered).
    @discardableResult
    public func prepare() async throws -> (requeued: Int, recovered: Int) {
        let requeued = try await queue.requeueRunningInspections()
        if requeued > 0 { logger.info("inspections interrupted at the last stop requeued", metadata: ["count": "\(requeued)"]) }
        var recovered = 0
        if let calls, let window = settings.recoveryWindow {
            var query = CallQuery(from: now().addingTimeInterval(-window), disposition: .answered, limit: CallQuery.maximumLimit)
            while true {
                let page = try await calls.calls(matching: query)
                for call in page.calls {
                    guard let recording = call.recording else { continue }
                    if try await queue.enqueueInspection(callID: call.id, recording: recording, now: now()) { recovered += 1 }
                }
                guard let cursor = page.nextCursor else { break }
                query.cursor = cursor
            }
            if recovered > 0 { logger.info("recorded calls never enqueued for inspection enqueued", metadata: ["count": "\(recovered)"]) }
        }
        return (requeued, recovered)
    }

    /// Inspects every recording that is due now, one after another, and returns what happened
    /// (for tests and maintenance; the service uses its own slots).
    public func inspectDue() async throws -> Outcome {
        var outcome = Outcome()
        while let job = try await queue.nextInspection(now: now()) {
            switch await inspect(job) {
            case .done: outcome.inspected += 1
            case .failed: outcome.failed += 1
            default: outcome.retried += 1
            }
        }
        return outcome
    }

    private func runSlot(on executor: LowPriorityExecutor) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let job = try await self.queue.nextInspection(now: self.now()) {
                        _ = await executor.run { await self.inspect(job) }
                        continue
                    }
                } catch {
                    self.logger.error("inspection queue not readable", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.settings.pollInterval)
            }
        }
    }

    /// Inspects one claimed recording and records the outcome; returns the new status.
    func inspect(_ job: InspectionJob) async -> InspectionStatus {
        let id = job.callID.uuidString.lowercased()
        do {
            guard let file = CallFiles.group([URL(fileURLWithPath: job.recording)]).first, file.recording != nil else {
                throw QualityWorkerError.notARecording(job.recording)
            }
            var result = try await processor.process(CallFile(id: id, transcript: file.transcript, recording: file.recording))
            result.callID = id
            try await queue.completeInspection(callID: job.callID, resultJSON: ResultFormatter.json(result, pretty: false),
                                               score: result.score, now: now())
            logger.debug("call inspected", metadata: ["call": "\(id)", "score": "\(result.score)"])
            return .done
        } catch {
            if Task.isCancelled {
                // Stopping: leave it running, so the next start claims it again.
                return .running
            }
            let delay = settings.delay(afterAttempt: job.attempts)
            do {
                let status = try await queue.failInspection(callID: job.callID, error: "\(error)", retryAfter: delay,
                                                            maxAttempts: settings.maxAttempts, now: now())
                logger.warning(status == .failed ? "inspection failed" : "inspection attempt failed; retrying", metadata: [
                    "call": "\(id)", "attempt": "\(job.attempts)", "error": "\(error)",
                ])
                return status
            } catch let storeError {
                logger.error("inspection failure not recorded", metadata: ["call": "\(id)", "error": "\(storeError)"])
                return .running
            }
        }
    }
}

/// A setting the worker cannot run with.
public enum QualityWorkerError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    /// A queued path that is not a WAV file.
    case notARecording(String)

    public var description: String {
        switch self {
        case .configuration(let message): message
        case .notARecording(let path): "\(path): not a .wav recording"
        }
    }
}
