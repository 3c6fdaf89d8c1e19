import ContactCenter
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Media
import NIOConcurrencyHelpers
import Quality
import Storage
import Testing

@testable import Inspection

/// A clock the test moves by hand.
private final class TestClock: Sendable {
    private let time = NIOLockedValueBox(Date(timeIntervalSince1970: 1_760_000_000))
    var now: Date { time.withLockedValue { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLockedValue { $0 += seconds } }
}

/// A temporary folder with an SQLite store in it.
private struct Fixture {
    let directory: URL
    let store: SQLStore
    let clock = TestClock()
    let logger: Logger

    static func make() async throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-inspection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "inspection-tests")
        logger.logLevel = .critical
        let store = try await SQLStore.sqlite(path: directory.appendingPathComponent("hotline.sqlite").path, logger: logger)
        try await store.migrate()
        return Fixture(directory: directory, store: store, logger: logger)
    }

    func worker(_ configure: (inout QualityWorker.Settings) -> Void = { _ in }) throws -> QualityWorker {
        var settings = QualityWorker.Settings()
        settings.pollInterval = .milliseconds(20)
        configure(&settings)
        let clock = self.clock
        return try QualityWorker(queue: store, calls: store, settings: settings, logger: logger, now: { clock.now })
    }

    func close() async {
        try? await store.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A 30-second stereo call as the recorder writes it (16-bit, 8 kHz, customer left, agent right):
/// voiced syllables at 1–4 s (customer), 4.5–8 s (agent), 20–24 s (customer) and 22.5–27 s
/// (agent, over the customer for 1.5 s); nobody speaks from 8 s to 20 s.
private func writeRecordedCall(to path: String) throws {
    let rate = 8000, seconds = 30
    var customer = [Double](repeating: 0, count: rate * seconds)
    var agent = customer
    func speak(_ samples: inout [Double], _ start: Double, _ end: Double, pitch: Double) {
        for i in Int(start * Double(rate))..<Int(end * Double(rate)) {
            let t = Double(i) / Double(rate)
            let syllable = (t - start).truncatingRemainder(dividingBy: 0.25) < 0.2 ? 1.0 : 0.02
            samples[i] += 3000 * syllable * (sin(2 * .pi * pitch * t) + 0.5 * sin(4 * .pi * pitch * t))
        }
    }
    speak(&customer, 1, 4, pitch: 220)
    speak(&agent, 4.5, 8, pitch: 120)
    speak(&customer, 20, 24, pitch: 220)
    speak(&agent, 22.5, 27, pitch: 120)
    var seed: UInt32 = 12345
    var interleaved: [Int16] = []
    interleaved.reserveCapacity(rate * seconds * 2)
    for i in 0..<customer.count {
        for channel in [customer[i], agent[i]] {
            seed = seed &* 1_103_515_245 &+ 12345
            let noise = Double(Int(seed >> 16) % 21 - 10) // a faint line hiss
            interleaved.append(Int16(max(-32768, min(32767, channel + noise))))
        }
    }
    try WAV.write(WAVAudio(format: .pcm16, sampleRate: rate, channels: 2, samples: interleaved), path: path)
}

private func answeredCall(recording: String?, at clock: TestClock) -> CallRecord {
    var record = CallRecord(sipCallID: UUID().uuidString, startedAt: clock.now.addingTimeInterval(-60), caller: "13812345678", dialled: "959999")
    record.disposition = .answered
    record.answeredAt = clock.now.addingTimeInterval(-50)
    record.endedAt = clock.now.addingTimeInterval(-20)
    record.talkSeconds = 30
    record.recording = recording
    return record
}

/// Runs `body` with a fresh fixture, closed afterwards.
private func withFixture(_ body: (Fixture) async throws -> Void) async throws {
    let fixture = try await Fixture.make()
    do {
        try await body(fixture)
    } catch {
        await fixture.close()
        throw error
    }
    await fixture.close()
}

@Suite("Quality worker")
struct QualityWorkerTests {
    @Test("a queued recording is inspected: result, score and timed findings stored")
    func inspectsARecording() async throws {
        try await withFixture { fixture in
            let path = fixture.directory.appendingPathComponent("call.wav").path
            try writeRecordedCall(to: path)
            let id = UUID()
            #expect(try await fixture.store.enqueueInspection(callID: id, recording: path, now: fixture.clock.now))
            let worker = try fixture.worker()

            let outcome = try await worker.inspectDue()
            #expect(outcome == { var o = QualityWorker.Outcome(); o.inspected = 1; return o }())

            let record = try #require(try await fixture.store.inspection(callID: id))
            #expect(record.status == .done)
            #expect(record.attempts == 1)
            #expect(record.lastError == nil)
            let json = try #require(record.resultJSON)
            let result = try ResultFormatter.decode(Data(json.utf8))
            #expect(result.callID == id.uuidString.lowercased())
            #expect(record.score == result.score)
            #expect(abs(result.duration - 30) < 0.01)
            #expect(Set(result.rules) == ["long_silence", "overtalk"], "no transcript: only the timing rules are judged")
            let silence = try #require(result.hits.first { $0.rule == "long_silence" })
            #expect(abs(silence.start - 8) < 0.5 && abs(silence.end - 20) < 0.5, "\(silence)")
            let overtalk = try #require(result.hits.first { $0.rule == "overtalk" })
            #expect(overtalk.speaker == .agent)
            #expect(abs(overtalk.start - 22.5) < 0.5 && abs(overtalk.end - 24) < 0.5, "\(overtalk)")
            #expect(result.score < 100)
            #expect(result.voice != nil)
            #expect(try await worker.inspectDue() == QualityWorker.Outcome(), "nothing is inspected twice")
        }
    }

    @Test("a transcript beside the recording is used for the words")
    func usesATranscriptBeside() async throws {
        try await withFixture { fixture in
            let path = fixture.directory.appendingPathComponent("call.wav").path
            try writeRecordedCall(to: path)
            let transcript = #"""
            {"call_id": "x", "duration": 30, "segments": [
              {"speaker": "customer", "start": 1, "end": 4, "text": "喂，我要投诉你们。"},
              {"speaker": "agent", "start": 4.5, "end": 8, "text": "这事不归我管。"}]}
            """#
            try transcript.write(toFile: fixture.directory.appendingPathComponent("call.json").path, atomically: true, encoding: .utf8)
            let id = UUID()
            try await fixture.store.enqueueInspection(callID: id, recording: path, now: fixture.clock.now)
            _ = try await fixture.worker().inspectDue()
            let record = try #require(try await fixture.store.inspection(callID: id))
            let result = try ResultFormatter.decode(Data(try #require(record.resultJSON).utf8))
            #expect(result.callID == id.uuidString.lowercased())
            #expect(Set(result.rules).isSuperset(of: ["complaint_risk", "forbidden_phrase", "greeting_missing", "long_silence"]))
            #expect(result.hits.contains { $0.rule == "forbidden_phrase" && $0.speaker == .agent && $0.start == 4.5 })
        }
    }

    @Test("a recording that cannot be read is retried with a growing delay, then failed")
    func retriesThenFails() async throws {
        try await withFixture { fixture in
            let missing = fixture.directory.appendingPathComponent("gone.wav").path
            let id = UUID()
            try await fixture.store.enqueueInspection(callID: id, recording: missing, now: fixture.clock.now)
            let worker = try fixture.worker {
                $0.maxAttempts = 3
                $0.retryDelay = 30
            }
            var outcome = try await worker.inspectDue()
            #expect(outcome.retried == 1 && outcome.failed == 0)
            var record = try #require(try await fixture.store.inspection(callID: id))
            #expect(record.status == .pending)
            #expect(record.attempts == 1)
            #expect(record.lastError?.contains("gone.wav") == true)
            #expect(abs(record.notBefore.timeIntervalSince(fixture.clock.now) - 30) < 0.01)

            #expect(try await worker.inspectDue() == QualityWorker.Outcome(), "not due before the delay")
            fixture.clock.advance(30)
            outcome = try await worker.inspectDue()
            #expect(outcome.retried == 1)
            record = try #require(try await fixture.store.inspection(callID: id))
            #expect(record.attempts == 2)
            #expect(abs(record.notBefore.timeIntervalSince(fixture.clock.now) - 60) < 0.01, "the delay doubles")

            fixture.clock.advance(60)
            outcome = try await worker.inspectDue()
            #expect(outcome.failed == 1 && outcome.retried == 0)
            record = try #require(try await fixture.store.inspection(callID: id))
            #expect(record.status == .failed)
            #expect(record.attempts == 3)
            #expect(record.finishedAt != nil)
            fixture.clock.advance(3600)
            #expect(try await worker.inspectDue() == QualityWorker.Outcome())
        }
    }

    @Test("the service requeues what a stopped worker held, inspects until cancelled")
    func serviceRequeuesAtStart() async throws {
        try await withFixture { fixture in
            let path = fixture.directory.appendingPathComponent("call.wav").path
            try writeRecordedCall(to: path)
            let held = UUID(), queued = UUID()
            try await fixture.store.enqueueInspection(callID: held, recording: path, now: fixture.clock.now)
            // A worker claims it and the node stops before it finishes.
            #expect(try await fixture.store.nextInspection(now: fixture.clock.now)?.callID == held)
            #expect(try await fixture.store.inspection(callID: held)?.status == .running)
            fixture.clock.advance(1)
            try await fixture.store.enqueueInspection(callID: queued, recording: path, now: fixture.clock.now)

            let worker = try fixture.worker { $0.concurrency = 2 }
            let service = Task { try await worker.run() }
            defer { service.cancel() }
            let deadline = Date().addingTimeInterval(30)
            var statuses: [InspectionStatus?] = []
            while Date() < deadline {
                statuses = [try await fixture.store.inspection(callID: held)?.status, try await fixture.store.inspection(callID: queued)?.status]
                if statuses == [.done, .done] { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(statuses == [.done, .done])
            #expect(try await fixture.store.inspection(callID: held)?.attempts == 2, "claimed again after the requeue")
            service.cancel()
            try await service.value
        }
    }

    @Test("at start, answered calls with a recording but no inspection are enqueued")
    func recoversCallsNeverEnqueued() async throws {
        try await withFixture { fixture in
            let lost = answeredCall(recording: "/recordings/lost.wav", at: fixture.clock)
            let enqueued = answeredCall(recording: "/recordings/enqueued.wav", at: fixture.clock)
            let unrecorded = answeredCall(recording: nil, at: fixture.clock)
            var abandoned = answeredCall(recording: "/recordings/abandoned.wav", at: fixture.clock)
            abandoned.disposition = .abandoned
            var old = answeredCall(recording: "/recordings/old.wav", at: fixture.clock)
            old.startedAt = fixture.clock.now.addingTimeInterval(-3 * 86_400)
            for call in [lost, enqueued, unrecorded, abandoned, old] { try await fixture.store.callEnded(call) }
            try await fixture.store.enqueueInspection(callID: enqueued.id, recording: enqueued.recording!, now: fixture.clock.now)

            let worker = try fixture.worker()
            let first = try await worker.prepare()
            #expect(first.requeued == 0 && first.recovered == 1)
            #expect(try await fixture.store.inspection(callID: lost.id)?.recording == "/recordings/lost.wav")
            #expect(try await fixture.store.inspection(callID: old.id) == nil, "older than the recovery window")
            #expect(try await fixture.store.inspection(callID: abandoned.id) == nil)
            #expect(try await worker.prepare().recovered == 0)
        }
    }

    @Test("the record writer enqueues answered calls with a recording after writing them")
    func recordWriterEnqueues() async throws {
        try await withFixture { fixture in
            let writer = CallRecordWriter(store: fixture.store, inspections: fixture.store, logger: fixture.logger)
            let recorded = answeredCall(recording: "/recordings/a.wav", at: fixture.clock)
            let unrecorded = answeredCall(recording: nil, at: fixture.clock)
            var abandoned = answeredCall(recording: "/recordings/b.wav", at: fixture.clock)
            abandoned.disposition = .abandoned
            var started = answeredCall(recording: "/recordings/c.wav", at: fixture.clock)
            started.disposition = .inProgress
            writer.started(started)
            for call in [recorded, unrecorded, abandoned] { writer.ended(call) }
            writer.finish()
            await writer.run()
            let written = try await fixture.store.call(id: recorded.id)
            #expect(written != nil)
            let inspection = try await fixture.store.inspection(callID: recorded.id)
            #expect(inspection?.status == .pending)
            for call in [unrecorded, abandoned, started] {
                let none = try await fixture.store.inspection(callID: call.id)
                #expect(none == nil, "\(call.disposition) \(call.recording ?? "no recording")")
            }
        }
    }

    @Test("settings from the environment; retry delays double up to a ceiling")
    func settings() throws {
        let defaults = try QualityWorker.Settings.fromEnvironment([:])
        #expect(defaults.concurrency == 1 && defaults.asr == nil && defaults.rulesFile == nil)
        let set = try QualityWorker.Settings.fromEnvironment([
            "HOTLINE_QA_WORKERS": "2", "HOTLINE_QA_RULES": "/etc/hotline/rules.yaml",
            "HOTLINE_ASR_URL": "http://127.0.0.1:8000", "HOTLINE_ASR_MODEL": "small", "HOTLINE_ASR_API_KEY": "k",
        ])
        #expect(set.concurrency == 2)
        #expect(set.rulesFile == "/etc/hotline/rules.yaml")
        #expect(set.asr?.endpoint == "http://127.0.0.1:8000/v1/audio/transcriptions")
        #expect(set.asr?.model == "small" && set.asr?.apiKey == "k" && set.asr?.language == "zh")
        #expect(throws: QualityWorkerError.self) { try QualityWorker.Settings.fromEnvironment(["HOTLINE_QA_WORKERS": "many"]) }
        #expect(try QualityWorker.Settings.fromEnvironment(["HOTLINE_QA_WORKERS": "0"]).concurrency == 0)

        var settings = QualityWorker.Settings()
        settings.retryDelay = 30
        settings.maximumRetryDelay = 100
        #expect([1, 2, 3, 4].map(settings.delay(afterAttempt:)) == [30, 60, 100, 100])
    }

    #if os(Linux)
    @Test("inspection runs on a thread of its own at the raised nice value")
    func lowPriorityThread() async {
        let executor = LowPriorityExecutor(name: "quality-test", niceness: 10)
        defer { executor.shutdown() }
        let outside = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let (nice, onExecutorThread) = await executor.run { () -> (Int32, Bool) in
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            try? await Task.sleep(for: .milliseconds(1))
            return (nice, executor.thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false)
        }
        #expect(onExecutorThread, "resumed on the executor's thread after a suspension")
        #expect(nice == max(outside, 10), "a process already nicer than 10 stays so")
    }
    #endif

    @Test("a rule pack file that does not load stops the worker from starting")
    func badRulePack() async throws {
        try await withFixture { fixture in
            let path = fixture.directory.appendingPathComponent("rules.yaml").path
            try "rules: [nonsense".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: (any Error).self) { try fixture.worker { $0.rulesFile = path } }
        }
    }
}
