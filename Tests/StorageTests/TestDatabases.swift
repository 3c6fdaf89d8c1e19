import Foundation
import Logging
import Testing

@testable import Storage

/// The databases every store test runs against: SQLite always, PostgreSQL when
/// `HOTLINE_TEST_POSTGRES_URL` names one (`.ci/run` starts one and sets it).
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["HOTLINE_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    static let available: [Backend] = {
        if postgresURL == nil {
            print("⚠️  StorageTests: PostgreSQL tests SKIPPED — set HOTLINE_TEST_POSTGRES_URL (postgres://user:password@host:5432/database?sslmode=disable) to run every store test against PostgreSQL too; .ci/run does.")
            return [.sqlite]
        }
        print("StorageTests: store tests run against SQLite and PostgreSQL")
        return [.sqlite, .postgres]
    }()
}

/// A fresh, empty database for one test: a temporary SQLite file, or a schema
/// of its own in the PostgreSQL test database (so tests can run in parallel).
struct TestDatabase: Sendable {
    let backend: Backend
    /// The SQLite file, or the PostgreSQL schema.
    let location: String

    static let logger: Logger = {
        var logger = Logger(label: "storage-tests")
        logger.logLevel = .warning
        return logger
    }()

    init(_ backend: Backend) {
        self.backend = backend
        let unique = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-store-tests-\(unique)")
            location = directory.appendingPathComponent("hotline.sqlite").path
        case .postgres:
            location = "test_\(unique.prefix(20))"
        }
    }

    /// Opens the database and brings its schema up to date.
    func open() async throws -> SQLStore {
        let store = try await openWithoutMigrating()
        try await store.migrate()
        return store
    }

    func openWithoutMigrating() async throws -> SQLStore {
        switch backend {
        case .sqlite: try await SQLStore.sqlite(path: location, logger: Self.logger)
        case .postgres: try await SQLStore.postgres(url: Backend.postgresURL!, schema: location, logger: Self.logger)
        }
    }

    /// Removes the file or drops the schema.
    func destroy() async {
        switch backend {
        case .sqlite:
            try? FileManager.default.removeItem(atPath: (location as NSString).deletingLastPathComponent)
        case .postgres:
            guard let store = try? await SQLStore.postgres(url: Backend.postgresURL!, logger: Self.logger) else { return }
            try? await store.execute("DROP SCHEMA IF EXISTS \(location) CASCADE")
            try? await store.shutdown()
        }
    }
}

/// Runs `body` with a migrated store on a fresh database, then closes and removes it.
func withStore(_ backend: Backend, _ body: (SQLStore, TestDatabase) async throws -> Void) async throws {
    let database = TestDatabase(backend)
    let store = try await database.open()
    do {
        try await body(store, database)
    } catch {
        try? await store.shutdown()
        await database.destroy()
        throw error
    }
    try? await store.shutdown()
    await database.destroy()
}

/// A time exactly representable both as a `Date` and as Unix seconds, so records compare equal after a round trip.
func at(_ seconds: Double) -> Date {
    Date(timeIntervalSince1970: 1_760_000_000 + seconds)
}

/// A finished call with every field set.
func fullRecord(id: UUID = UUID(), startedAt: Date = at(0)) -> CallRecord {
    CallRecord(
        id: id, sipCallID: "a84b4c76e66710@pc33.carrier.example", startedAt: startedAt,
        answeredAt: startedAt.addingTimeInterval(12.5), endedAt: startedAt.addingTimeInterval(192.75),
        caller: "13812345678", callerDomain: "enterprise.com", dialled: "959999", trunk: "carrier-a",
        disposition: .answered, steps: ["greeting/welcome", "greeting/menu", "greeting/sales"], digits: "1#",
        variables: ["crm.customer": "C-1001", "备注": "VIP 客户, \"quoted\""], queue: "sales", agent: "8001",
        waitSeconds: 8.25, talkSeconds: 180.25, hangupBy: .caller, hangupCause: "BYE", sipStatus: 200,
        callerMedia: LegMediaStatistics(packetsReceived: 9012, packetsSent: 9000, packetsLost: 3, jitterMilliseconds: 2.5, maxGapMilliseconds: 60),
        agentMedia: LegMediaStatistics(packetsReceived: 8990, packetsSent: 9012, packetsLost: 0, jitterMilliseconds: 1.25, maxGapMilliseconds: 40),
        recording: "2025/10/09/0f8e.wav", cost: 0.36)
}
