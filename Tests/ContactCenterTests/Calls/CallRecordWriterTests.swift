import ContactCenter
import Foundation
import Logging
import NIOConcurrencyHelpers
import Storage
import Testing

@Suite("Call record writer")
struct CallRecordWriterTests {
    @Test("records queued while a write is under way go together, in order: every call ends final, none in progress")
    func batches() async throws {
        try await withStore { (store: SQLStore) async throws in
            let writer = CallRecordWriter(store: store, logger: Logger(label: "test"))
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            var records: [CallRecord] = []
            for n in 0..<600 {
                var record = CallRecord(sipCallID: "c\(n)", startedAt: start.addingTimeInterval(Double(n)), caller: "1390000\(1000 + n)", dialled: "959999")
                writer.started(record)
                record.disposition = n % 3 == 0 ? .abandoned : .answered
                record.endedAt = record.startedAt.addingTimeInterval(30)
                records.append(record)
                // Most calls end at once; a third end after a later call started.
                if n % 3 != 2 { writer.ended(record) }
        }
        for record in records.enumerated() where record.offset % 3 == 2 { writer.ended(record.element) }
        writer.finish()
        await writer.run()
        let statistics = writer.statistics
        #expect(statistics.written == 1200)
        #expect(statistics.failed == 0)
        #expect(statistics.batches < 1200)
        let page = try await store.calls(matching: CallQuery(limit: 1000))
        #expect(page.total == 600)
        #expect(page.calls.allSatisfy { $0.disposition != .inProgress })
        #expect(try await store.call(id: records[5].id)?.disposition == .answered)
        #expect(try await store.call(id: records[6].id)?.disposition == .abandoned)
        }
    }

    @Test("a call that starts and ends between two writes gets only its final row")
    func superseded() async throws {
        try await withStore { (sqlite: SQLStore) async throws in
            let store = CountingStore(base: sqlite)
            let writer = CallRecordWriter(store: store, logger: Logger(label: "test"))
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            var short = CallRecord(sipCallID: "short", startedAt: start, caller: "13900001000", dialled: "959999")
            let long = CallRecord(sipCallID: "long", startedAt: start, caller: "13900001001", dialled: "959999")
            writer.started(short)
            writer.started(long)
            short.disposition = .answered
            short.endedAt = start.addingTimeInterval(1)
            writer.ended(short)
            writer.finish()
            await writer.run()
            // One write: the long call's in-progress row and the short call's final row, nothing else.
            #expect(store.writes.withLockedValue { $0 } == [["long"], ["short"]])
            #expect(writer.statistics.written == 3)
            #expect(try await sqlite.call(id: short.id)?.disposition == .answered)
            #expect(try await sqlite.call(id: long.id)?.disposition == .inProgress)
        }
    }

    @Test("with a spacing, records that come while the writer waits it out go in one write")
    func spacing() async throws {
        try await withStore { (sqlite: SQLStore) async throws in
            let store = CountingStore(base: sqlite)
            let (paused, pausedContinuation) = AsyncStream.makeStream(of: Duration.self)
            let (gate, gateContinuation) = AsyncStream.makeStream(of: Void.self)
            let writer = CallRecordWriter(store: store, spacing: .seconds(3600), pause: { left in
                pausedContinuation.yield(left)
                var opened = gate.makeAsyncIterator()
                _ = await opened.next()
            }, logger: Logger(label: "test"))
            let running = Task { await writer.run() }
            var pauses = paused.makeAsyncIterator()
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            func ended(_ id: String) -> CallRecord {
                var record = CallRecord(sipCallID: id, startedAt: start, caller: "13900001000", dialled: "959999")
                record.disposition = .answered
                record.endedAt = start.addingTimeInterval(5)
                return record
        }
        writer.ended(ended("a"))
        // Written at once (the writer was idle), then the writer waits out the rest of the hour.
        let left = await pauses.next()
        #expect(left.map { $0 > .seconds(3590) && $0 <= .seconds(3600) } == true)
        #expect(store.writes.withLockedValue { $0 } == [[], ["a"]])
        for id in ["b", "c", "d"] { writer.ended(ended(id)) }
        gateContinuation.yield()
        _ = await pauses.next()
        #expect(store.writes.withLockedValue { $0 } == [[], ["a"], [], ["b", "c", "d"]])
        writer.finish()
        gateContinuation.yield()
        await running.value
        #expect(writer.statistics.batches == 2)
        #expect(writer.statistics.written == 4)
        }
    }

    /// Runs `body` with a migrated SQLite store in a folder of its own, removed afterwards.
    private func withStore(_ body: (SQLStore) async throws -> Void) async throws {
        let folder = NSTemporaryDirectory() + "hotline-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await SQLStore.sqlite(path: folder + "/calls.sqlite", logger: Logger(label: "test"))
        try await store.migrate()
        do {
            try await body(store)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }
}

/// Forwards to a store and notes the Call-IDs of each batch: in-progress rows, then final rows.
final class CountingStore: CallStore {
    let base: SQLStore
    let writes = NIOLockedValueBox<[[String]]>([])

    init(base: SQLStore) { self.base = base }

    func callStarted(_ record: CallRecord) async throws { try await base.callStarted(record) }
    func callEnded(_ record: CallRecord) async throws { try await base.callEnded(record) }
    func markInterrupted(endedAt: Date) async throws -> Int { try await base.markInterrupted(endedAt: endedAt) }
    func calls(matching query: CallQuery) async throws -> CallPage { try await base.calls(matching: query) }
    func call(id: UUID) async throws -> CallRecord? { try await base.call(id: id) }
    func record(started: [CallRecord], ended: [CallRecord]) async throws {
        writes.withLockedValue { $0 += [started.map(\.sipCallID), ended.map(\.sipCallID)] }
        try await base.record(started: started, ended: ended)
    }
}
