import Foundation
import Testing

@testable import Storage

@Suite("Call store")
struct CallStoreTests {
    @Test("a full record reads back as written", arguments: Backend.available)
    func roundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let record = fullRecord()
            try await store.callEnded(record)
            #expect(try await store.call(id: record.id) == record)

            var bare = CallRecord(sipCallID: "bare", startedAt: at(5), caller: "anonymous", dialled: "959999")
            bare.disposition = .rejected
            try await store.callEnded(bare)
            #expect(try await store.call(id: bare.id) == bare)
            #expect(try await store.call(id: UUID()) == nil)
        }
    }

    @Test("times written as Date() read back within a microsecond", arguments: Backend.available)
    func currentTimes(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let now = Date()
            var record = CallRecord(sipCallID: "now", startedAt: now, caller: "13800000000", dialled: "959999")
            record.endedAt = now.addingTimeInterval(0.123456)
            try await store.callEnded(record)
            let read = try #require(try await store.call(id: record.id))
            #expect(abs(read.startedAt.timeIntervalSince(now)) < 1e-6)
            #expect(abs(try #require(read.endedAt).timeIntervalSince(now.addingTimeInterval(0.123456))) < 1e-6)
        }
    }

    @Test("a started call is in progress; the end replaces it; a late start changes nothing", arguments: Backend.available)
    func startThenEnd(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            var record = fullRecord()
            record.disposition = .answered
            try await store.callStarted(record)
            var started = record
            started.disposition = .inProgress
            #expect(try await store.call(id: record.id) == started)

            try await store.callEnded(record)
            #expect(try await store.call(id: record.id) == record)
            try await store.callStarted(record)
            #expect(try await store.call(id: record.id)?.disposition == .answered)
            #expect(try await store.calls(matching: CallQuery()).total == 1)
        }
    }

    @Test("one batch: new calls in progress, calls ending, a call starting and ending in it, a late start of an ended call", arguments: Backend.available)
    func mixedBatch(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            func call(_ n: Int, _ disposition: CallDisposition) -> CallRecord {
                var record = CallRecord(sipCallID: "batch-\(n)", startedAt: at(Double(n)), caller: "1380000\(1000 + n)", dialled: "959999")
                record.disposition = disposition
                if disposition != .inProgress { record.endedAt = at(Double(n) + 30) }
                return record
            }
            let (open, ending, short, late) = (call(1, .inProgress), call(2, .answered), call(3, .abandoned), call(4, .answered))
            try await store.callStarted(ending)
            try await store.callEnded(late)
            try await store.record(started: [open, short, late], ended: [short, ending])
            #expect(try await store.call(id: open.id) == open)
            #expect(try await store.call(id: ending.id) == ending)
            #expect(try await store.call(id: short.id) == short)
            #expect(try await store.call(id: late.id) == late)
            #expect(try await store.calls(matching: CallQuery()).total == 4)
        }
    }

    @Test("newest first, ties broken by id, one page at a time by cursor and by offset", arguments: Backend.available)
    func paging(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            var written: [CallRecord] = []
            for index in 0..<23 {
                // Pairs of calls share a start time, so the cursor must break ties.
                var record = CallRecord(sipCallID: "call-\(index)", startedAt: at(Double(index / 2) * 60), caller: "1380000\(1000 + index)", dialled: "959999")
                record.disposition = .answered
                written.append(record)
            }
            for record in written.shuffled() { try await store.callEnded(record) }
            let expected = written.sorted {
                ($0.startedAt, Storage.SQLStore.key($0.id)) > ($1.startedAt, Storage.SQLStore.key($1.id))
            }.map(\.id)

            var byCursor: [UUID] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let page = try await store.calls(matching: CallQuery(limit: 5, cursor: cursor))
                #expect(page.total == 23)
                #expect(page.calls.count == (pages < 4 ? 5 : 3))
                byCursor += page.calls.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 5)
            #expect(byCursor == expected)

            var byOffset: [UUID] = []
            var offset: Int? = 0
            while let next = offset {
                let page = try await store.calls(matching: CallQuery(limit: 10, offset: next))
                byOffset += page.calls.map(\.id)
                offset = page.nextOffset
            }
            #expect(byOffset == expected)

            let exact = try await store.calls(matching: CallQuery(limit: 23))
            #expect(exact.calls.count == 23)
            #expect(exact.nextCursor == nil && exact.nextOffset == nil)
        }
    }

    @Test("limit is clamped to 1…1000", arguments: Backend.available)
    func limits(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            for index in 0..<3 {
                try await store.callEnded(CallRecord(sipCallID: "\(index)", startedAt: at(Double(index)), caller: "1", dialled: "2"))
            }
            #expect(try await store.calls(matching: CallQuery(limit: 0)).calls.count == 1)
            #expect(try await store.calls(matching: CallQuery(limit: -5)).calls.count == 1)
            #expect(try await store.calls(matching: CallQuery(limit: 5000)).calls.count == 3)
            #expect(CallQuery(limit: 5000).effectiveLimit == 1000)
        }
    }

    @Test("filters: time range, number, trunk, disposition, together", arguments: Backend.available)
    func filters(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let calls: [(String, String, String?, CallDisposition, Double)] = [
                ("13812345678", "959999", "carrier-a", .answered, 0),
                ("13812345678", "959999", "carrier-b", .abandoned, 60),
                ("13900001111", "959999", "carrier-a", .answered, 120),
                ("02155556666", "9599990001", "carrier-a", .rejected, 180),
                ("50%_off", "959999", nil, .failed, 240),
            ]
            var ids: [UUID] = []
            for (caller, dialled, trunk, disposition, offset) in calls {
                var record = CallRecord(sipCallID: caller + "\(offset)", startedAt: at(offset), caller: caller, dialled: dialled, trunk: trunk)
                record.disposition = disposition
                try await store.callEnded(record)
                ids.append(record.id)
            }
            func match(_ query: CallQuery) async throws -> [UUID] {
                let page = try await store.calls(matching: query)
                #expect(page.total == page.calls.count)
                return page.calls.map(\.id)
            }
            #expect(try await match(CallQuery()) == ids.reversed())
            #expect(try await match(CallQuery(from: at(60), to: at(180))) == [ids[2], ids[1]])
            #expect(try await match(CallQuery(from: at(180))) == [ids[4], ids[3]])
            #expect(try await match(CallQuery(to: at(0))) == [])
            #expect(try await match(CallQuery(number: "13812345678")) == [ids[1], ids[0]])
            #expect(try await match(CallQuery(number: "5678")) == [ids[1], ids[0]])
            #expect(try await match(CallQuery(number: "99990001")) == [ids[3]], "matches the dialled number too")
            #expect(try await match(CallQuery(number: "9599990001")) == [ids[3]])
            #expect(try await match(CallQuery(number: "%")) == [ids[4]], "wildcards match literally")
            #expect(try await match(CallQuery(number: "0%_")) == [ids[4]])
            #expect(try await match(CallQuery(number: "_")) == [ids[4]])
            #expect(try await match(CallQuery(trunk: "carrier-a")) == [ids[3], ids[2], ids[0]])
            #expect(try await match(CallQuery(trunk: "carrier")) == [], "trunk is matched exactly")
            #expect(try await match(CallQuery(disposition: .answered)) == [ids[2], ids[0]])
            #expect(try await match(CallQuery(from: at(0), number: "138", trunk: "carrier-a", disposition: .answered)) == [ids[0]])

            let page = try await store.calls(matching: CallQuery(trunk: "carrier-a", limit: 2))
            #expect(page.total == 3)
            #expect(page.calls.map(\.id) == [ids[3], ids[2]])
            let rest = try await store.calls(matching: CallQuery(trunk: "carrier-a", limit: 2, cursor: page.nextCursor))
            #expect(rest.calls.map(\.id) == [ids[0]])
            #expect(rest.nextCursor == nil)
        }
    }

    @Test("a cursor this store did not make is refused", arguments: Backend.available)
    func invalidCursor(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            for cursor in ["garbage", "", "bm90LWEtY3Vyc29y", "'; DROP TABLE calls; --"] {
                await #expect(throws: StoreError.self) { try await store.calls(matching: CallQuery(cursor: cursor)) }
            }
        }
    }

    @Test("calls still in progress at start become interrupted", arguments: Backend.available)
    func interrupted(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let first = CallRecord(sipCallID: "1", startedAt: at(0), caller: "13812345678", dialled: "959999")
            var second = CallRecord(sipCallID: "2", startedAt: at(10), caller: "13900001111", dialled: "959999")
            second.steps = ["greeting/welcome"]
            second.endedAt = at(15)
            let finished = fullRecord(startedAt: at(20))
            try await store.callStarted(first)
            try await store.callStarted(second)
            try await store.callEnded(finished)

            #expect(try await store.markInterrupted(endedAt: at(100)) == 2)
            let a = try #require(try await store.call(id: first.id))
            #expect(a.disposition == .interrupted)
            #expect(a.endedAt == at(100))
            #expect(a.hangupBy == .system)
            #expect(a.hangupCause == "interrupted")
            let b = try #require(try await store.call(id: second.id))
            #expect(b.disposition == .interrupted)
            #expect(b.endedAt == at(15), "a known end time is kept")
            #expect(b.steps == ["greeting/welcome"])
            #expect(try await store.call(id: finished.id) == finished)
            #expect(try await store.markInterrupted(endedAt: at(200)) == 0)
            #expect(try await store.calls(matching: CallQuery(disposition: .interrupted)).total == 2)
        }
    }

    @Test("a written call is there after closing and reopening", arguments: Backend.available)
    func reopen(_ backend: Backend) async throws {
        let database = TestDatabase(backend)
        let record = fullRecord()
        let store = try await database.open()
        try await store.callEnded(record)
        try await store.shutdown()

        let again = try await database.open()
        #expect(try await again.call(id: record.id) == record)
        #expect(try await again.schemaVersion() == Schema.latestVersion)
        try await again.shutdown()
        await database.destroy()
    }

    @Test("a call written by a process killed with SIGKILL right after the write is on record", arguments: Backend.available)
    func killNine(_ backend: Backend) async throws {
        let database = TestDatabase(backend)
        let helper = try #require(CrashHelper.url, "StoreCrashHelper not built next to the test bundle (swift build --build-tests builds it)")
        let id = UUID()
        let arguments: [String] = switch backend {
        case .sqlite: ["sqlite", database.location, id.uuidString]
        case .postgres: ["postgres", Backend.postgresURL!, database.location, id.uuidString]
        }
        let (output, signalled) = try CrashHelper.runAndKill(helper, arguments: arguments)
        #expect(output.contains("written"), "helper said: \(output)")
        #expect(signalled)

        let store = try await database.open()
        let call = try #require(try await store.call(id: id))
        #expect(call.disposition == .answered)
        #expect(call.sipCallID == "crash-\(id.uuidString)")
        #expect(call.talkSeconds == 60)
        try await store.shutdown()
        await database.destroy()
    }

    @Test("migrations run once, record their version, and refuse a newer schema", arguments: Backend.available)
    func migrations(_ backend: Backend) async throws {
        try await withStore(backend) { store, database in
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.schemaVersion() == Schema.latestVersion)
            try await store.execute("INSERT INTO hotline_migrations (version, name, applied_at) VALUES (\(Schema.latestVersion + 1), 'future', 0)")
            let other = try await database.openWithoutMigrating()
            await #expect(throws: StoreError.schemaTooNew(found: Schema.latestVersion + 1, known: Schema.latestVersion)) {
                try await other.migrate()
            }
            try await other.shutdown()
        }
    }

    @Test("SQLite runs in WAL mode with synchronous=FULL")
    func sqlitePragmas() async throws {
        try await withStore(.sqlite) { store, database in
            let journalMode = try await store.pragma("journal_mode")
            let synchronous = try await store.pragma("synchronous")
            #expect(journalMode == "wal")
            #expect(synchronous == "2", "2 is FULL")
            #expect(FileManager.default.fileExists(atPath: database.location + "-wal"))
        }
    }
}

/// Runs `StoreCrashHelper`, waits for it to report the write, and kills it with SIGKILL.
enum CrashHelper {
    static let url: URL? = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = FileManager.default.fileExists(atPath: executable.path)
            ? executable.deletingLastPathComponent()
            : URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("StoreCrashHelper")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static func runAndKill(_ helper: URL, arguments: [String]) throws -> (output: String, killed: Bool) {
        let process = Process()
        process.executableURL = helper
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let pid = process.processIdentifier
        // A helper that hangs is killed after a minute; the read below then ends.
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { kill(pid, SIGKILL) }
        var output = Data()
        while !String(decoding: output, as: UTF8.self).contains("written") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }
}
