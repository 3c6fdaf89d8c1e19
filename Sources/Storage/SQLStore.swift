import AsyncKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// Call records and the inspection queue in SQLite (one file, the embedded
/// default) or PostgreSQL, through one SQLKit code path and one set of migrations.
///
/// SQLite runs in WAL mode with `synchronous=FULL`: a write is on disk when the
/// call returns. One connection serves every query (SQLite writes one at a time
/// anyway). PostgreSQL uses a small connection pool.
public final class SQLStore: CallStore, InspectionQueue, Sendable {
    public enum Kind: String, Sendable {
        case sqlite, postgres
    }

    private enum Backend: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresPool)
    }

    /// AsyncKit's pool guards its state with a lock but predates `Sendable`.
    private struct PostgresPool: @unchecked Sendable {
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    }

    public let kind: Kind
    private let backend: Backend
    private let database: any SQLDatabase
    private let schema: String?
    private let logger: Logger
    /// The text of the batch upsert for each row count, made by SQLKit once per count.
    private let upsertTexts = NIOLockedValueBox<[Int: String]>([:])

    private init(kind: Kind, backend: Backend, database: any SQLDatabase, schema: String?, logger: Logger) {
        self.kind = kind
        self.backend = backend
        self.database = database
        self.schema = schema
        self.logger = logger
    }

    /// Opens (creating when absent) an SQLite database file. Call ``migrate()`` before use.
    public static func sqlite(path: String, logger: Logger) async throws -> SQLStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: .singleton, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        let database = connection.sql(queryLogLevel: .trace)
        do {
            let mode = try await database.raw("PRAGMA journal_mode=WAL").first()?.decode(column: "journal_mode", as: String.self)
            if mode?.lowercased() != "wal" {
                logger.warning("SQLite journal mode is \(mode ?? "unknown"), not WAL", metadata: ["path": .string(path)])
            }
            try await database.raw("PRAGMA synchronous=FULL").run()
            try await database.raw("PRAGMA busy_timeout=5000").run()
        } catch {
            try? await connection.close()
            throw error
        }
        return SQLStore(kind: .sqlite, backend: .sqlite(connection), database: database, schema: nil, logger: logger)
    }

    /// Connects to PostgreSQL (`postgres://user:password@host:5432/database`, with
    /// `?sslmode=disable|prefer|require`). With `schema`, tables live in that schema
    /// (created by ``migrate()`` when absent). Call ``migrate()`` before use.
    public static func postgres(url: String, schema: String? = nil, logger: Logger) async throws -> SQLStore {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.invalidURL("expected postgres://user:password@host:5432/database")
        }
        if let schema {
            guard schema.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                throw StoreError.invalidURL("schema name '\(schema)'")
            }
            configuration.searchPath = [schema]
        }
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: 2, logger: logger, on: MultiThreadedEventLoopGroup.singleton)
        let database = pool.database(logger: logger).sql(queryLogLevel: .trace)
        do {
            try await database.raw("SELECT 1 AS one").run()
        } catch {
            try? await pool.shutdownAsync()
            throw error
        }
        return SQLStore(kind: .postgres, backend: .postgres(PostgresPool(pool: pool)), database: database, schema: schema, logger: logger)
    }

    /// Closes the database. The store cannot be used afterwards.
    public func shutdown() async throws {
        switch backend {
        case .sqlite(let connection): try await connection.close()
        case .postgres(let box): try await box.pool.shutdownAsync()
        }
    }

    // MARK: migrations

    /// The schema version of the open database (0 before the first migration).
    public func schemaVersion() async throws -> Int {
        try await database.raw(SQLQueryString(Schema.createMigrationsTable)).run()
        let row = try await database.raw("SELECT MAX(version) AS version FROM hotline_migrations").first()
        return try row?.decode(column: "version", as: Int?.self) ?? 0
    }

    /// Brings the schema up to date; safe to call at every start, and from several
    /// nodes at once on PostgreSQL (they take turns under an advisory lock).
    public func migrate() async throws {
        let schema = self.schema, kind = self.kind, logger = self.logger
        try await database.withSession { db in
            if kind == .postgres {
                if let schema { try await db.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run() }
                try await db.raw("SELECT pg_advisory_lock(\(literal: Self.migrationLock))").run()
            }
            do {
                try await Self.applyMigrations(db, logger: logger)
            } catch {
                if kind == .postgres { try? await db.raw("SELECT pg_advisory_unlock(\(literal: Self.migrationLock))").run() }
                throw error
            }
            if kind == .postgres { try await db.raw("SELECT pg_advisory_unlock(\(literal: Self.migrationLock))").run() }
        }
    }

    private static let migrationLock = 7_317_095_959_999

    private static func applyMigrations(_ db: any SQLDatabase, logger: Logger) async throws {
        try await db.raw(SQLQueryString(Schema.createMigrationsTable)).run()
        let applied = Set(try await db.raw("SELECT version FROM hotline_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
        if let newest = applied.max(), newest > Schema.latestVersion {
            throw StoreError.schemaTooNew(found: newest, known: Schema.latestVersion)
        }
        for migration in Schema.migrations where !applied.contains(migration.version) {
            try await db.raw("BEGIN").run()
            do {
                for statement in migration.statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO hotline_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date().timeIntervalSince1970))
                    """).run()
                try await db.raw("COMMIT").run()
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
            logger.info("Store migrated", metadata: ["version": "\(migration.version)", "name": .string(migration.name)])
        }
    }

    // MARK: calls

    static let callColumns = [
        "id", "sip_call_id", "started_at", "answered_at", "ended_at", "caller", "caller_domain", "dialled", "trunk",
        "disposition", "steps", "digits", "variables", "queue", "agent", "wait_seconds", "talk_seconds", "hangup_by",
        "hangup_cause", "sip_status", "caller_media", "agent_media", "recording", "cost",
    ]

    private static func values(of record: CallRecord) throws -> [any Encodable & Sendable] {
        [
            key(record.id), record.sipCallID, seconds(record.startedAt), record.answeredAt.map(seconds), record.endedAt.map(seconds),
            record.caller, record.callerDomain, record.dialled, record.trunk,
            record.disposition.rawValue, try json(record.steps), record.digits, try json(record.variables), record.queue, record.agent,
            record.waitSeconds, record.talkSeconds, record.hangupBy?.rawValue,
            record.hangupCause, record.sipStatus, try record.callerMedia.map(json), try record.agentMedia.map(json), record.recording,
            record.cost,
        ]
    }

    public func callStarted(_ record: CallRecord) async throws {
        try await self.record(started: [record], ended: [])
    }

    public func callEnded(_ record: CallRecord) async throws {
        try await self.record(started: [], ended: [record])
    }

    /// Rows per statement: 24 columns each stays under SQLite's 32,766 bound values.
    static let rowsPerStatement = 500

    public func record(started: [CallRecord], ended: [CallRecord]) async throws {
        // In-progress rows and final rows go in one statement per chunk: a single-statement
        // write is atomic and costs one flush. A final row replaces whatever the call has; an
        // in-progress row never replaces a row (the upsert's condition).
        let rows = started.map { record in
            var record = record
            record.disposition = .inProgress
            return record
        } + ended
        for chunk in Self.chunks(of: rows) {
            var binds: [any Encodable & Sendable] = []
            binds.reserveCapacity(chunk.count * Self.callColumns.count)
            for record in chunk { binds += try Self.values(of: record) }
            try await database.execute(sql: PreparedText(text: upsertText(rows: chunk.count), binds: binds)) { _ in }
        }
    }

    /// `INSERT INTO calls (…) VALUES (…)×rows ON CONFLICT (id) DO UPDATE SET every column to the
    /// new row's, unless the new row is in progress`, in this database's dialect.
    private func upsertText(rows: Int) -> String {
        if let text = upsertTexts.withLockedValue({ $0[rows] }) { return text }
        let placeholders = Self.callColumns.map { _ in String?.none as (any Encodable & Sendable) }
        var insert = database.insert(into: "calls").columns(Self.callColumns)
        for _ in 0..<rows { insert = insert.values(placeholders) }
        insert = insert.onConflict(with: ["id"]) { update in
            var update = update
            for column in Self.callColumns where column != "id" {
                update = update.set(excludedValueOf: column)
            }
            return update.where(SQLExcludedColumn("disposition"), .notEqual, SQLLiteral.string(CallDisposition.inProgress.rawValue))
        }
        var serializer = SQLSerializer(database: database)
        insert.query.serialize(to: &serializer)
        let text = serializer.sql
        upsertTexts.withLockedValue { $0[rows] = text }
        return text
    }

    /// `records` in chunks of ``rowsPerStatement``, each id at most once per chunk (the last
    /// version of a record wins).
    static func chunks(of records: [CallRecord]) -> [[CallRecord]] {
        var latest: [UUID: Int] = [:]
        for (index, record) in records.enumerated() { latest[record.id] = index }
        let unique = records.enumerated().filter { latest[$0.element.id] == $0.offset }.map(\.element)
        return stride(from: 0, to: unique.count, by: rowsPerStatement).map {
            Array(unique[$0..<min($0 + rowsPerStatement, unique.count)])
        }
    }

    public func markInterrupted(endedAt: Date) async throws -> Int {
        let rows = try await database.raw("""
            UPDATE calls SET disposition = \(bind: CallDisposition.interrupted.rawValue),
                ended_at = COALESCE(ended_at, \(bind: Self.seconds(endedAt))),
                hangup_by = COALESCE(hangup_by, \(bind: HangupParty.system.rawValue)),
                hangup_cause = COALESCE(hangup_cause, \(bind: "interrupted"))
            WHERE disposition = \(bind: CallDisposition.inProgress.rawValue)
            RETURNING id
            """).all()
        if !rows.isEmpty {
            logger.warning("Calls in progress when the node stopped are marked interrupted", metadata: ["count": "\(rows.count)"])
        }
        return rows.count
    }

    public func call(id: UUID) async throws -> CallRecord? {
        try await database.select().columns(Self.callColumns).from("calls")
            .where("id", .equal, Self.key(id))
            .first()
            .map(Self.record(from:))
    }

    public func calls(matching query: CallQuery) async throws -> CallPage {
        let limit = query.effectiveLimit
        let filtered = { (builder: SQLSelectBuilder) -> SQLSelectBuilder in
            var builder = builder
            if let from = query.from { builder = builder.where("started_at", .greaterThanOrEqual, Self.seconds(from)) }
            if let to = query.to { builder = builder.where("started_at", .lessThan, Self.seconds(to)) }
            if let trunk = query.trunk { builder = builder.where("trunk", .equal, trunk) }
            if let disposition = query.disposition { builder = builder.where("disposition", .equal, disposition.rawValue) }
            if let number = query.number, !number.isEmpty {
                let pattern = "%" + Self.escapeLike(number) + "%"
                builder = builder.where(SQLQueryString(
                    "(caller LIKE \(bind: pattern) ESCAPE '!' OR dialled LIKE \(bind: pattern) ESCAPE '!')"))
            }
            return builder
        }
        let total = try await filtered(database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "total").from("calls"))
            .first()?.decode(column: "total", as: Int.self) ?? 0

        var select = filtered(database.select().columns(Self.callColumns).from("calls"))
        var offset = 0
        if let cursor = query.cursor {
            let (startedAt, id) = try Self.decodeCursor(cursor)
            select = select.where(SQLQueryString(
                "(started_at < \(bind: startedAt) OR (started_at = \(bind: startedAt) AND id < \(bind: id)))"))
        } else {
            offset = max(0, query.offset)
        }
        let rows = try await select
            .orderBy("started_at", .descending).orderBy("id", .descending)
            .limit(limit + 1).offset(offset)
            .all()
        var calls = try rows.prefix(limit).map(Self.record(from:))
        let more = rows.count > limit
        if calls.count > limit { calls.removeLast(calls.count - limit) }
        return CallPage(
            calls: calls, total: total,
            nextCursor: more ? calls.last.map { Self.encodeCursor(startedAt: Self.seconds($0.startedAt), id: Self.key($0.id)) } : nil,
            nextOffset: more && query.cursor == nil ? offset + calls.count : nil)
    }

    private static func record(from row: any SQLRow) throws -> CallRecord {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText) else { throw StoreError.corruptRow("call id '\(idText)'") }
        let dispositionText = try row.decode(column: "disposition", as: String.self)
        guard let disposition = CallDisposition(rawValue: dispositionText) else {
            throw StoreError.corruptRow("disposition '\(dispositionText)' of call \(idText)")
        }
        var record = CallRecord(
            id: id, sipCallID: try row.decode(column: "sip_call_id", as: String.self),
            startedAt: date(try row.decode(column: "started_at", as: Double.self)),
            caller: try row.decode(column: "caller", as: String.self),
            dialled: try row.decode(column: "dialled", as: String.self))
        record.answeredAt = try row.decode(column: "answered_at", as: Double?.self).map(date)
        record.endedAt = try row.decode(column: "ended_at", as: Double?.self).map(date)
        record.callerDomain = try row.decode(column: "caller_domain", as: String?.self)
        record.trunk = try row.decode(column: "trunk", as: String?.self)
        record.disposition = disposition
        record.steps = try fromJSON([String].self, try row.decode(column: "steps", as: String.self))
        record.digits = try row.decode(column: "digits", as: String.self)
        record.variables = try fromJSON([String: String].self, try row.decode(column: "variables", as: String.self))
        record.queue = try row.decode(column: "queue", as: String?.self)
        record.agent = try row.decode(column: "agent", as: String?.self)
        record.waitSeconds = try row.decode(column: "wait_seconds", as: Double?.self)
        record.talkSeconds = try row.decode(column: "talk_seconds", as: Double.self)
        record.hangupBy = try row.decode(column: "hangup_by", as: String?.self).flatMap(HangupParty.init(rawValue:))
        record.hangupCause = try row.decode(column: "hangup_cause", as: String?.self)
        record.sipStatus = try row.decode(column: "sip_status", as: Int?.self)
        record.callerMedia = try row.decode(column: "caller_media", as: String?.self).map { try fromJSON(LegMediaStatistics.self, $0) }
        record.agentMedia = try row.decode(column: "agent_media", as: String?.self).map { try fromJSON(LegMediaStatistics.self, $0) }
        record.recording = try row.decode(column: "recording", as: String?.self)
        record.cost = try row.decode(column: "cost", as: Double.self)
        return record
    }

    // MARK: inspections

    @discardableResult
    public func enqueueInspection(callID: UUID, recording: String, now: Date) async throws -> Bool {
        let rows = try await database.raw("""
            INSERT INTO inspections (call_id, recording, status, attempts, enqueued_at, not_before)
            VALUES (\(bind: Self.key(callID)), \(bind: recording), \(bind: InspectionStatus.pending.rawValue), \(bind: 0),
                    \(bind: Self.seconds(now)), \(bind: Self.seconds(now)))
            ON CONFLICT (call_id) DO NOTHING
            RETURNING call_id
            """).all()
        return !rows.isEmpty
    }

    public func enqueueInspections(_ recordings: [(callID: UUID, recording: String)], now: Date) async throws {
        for start in stride(from: 0, to: recordings.count, by: Self.rowsPerStatement) {
            var insert = database.insert(into: "inspections")
                .columns("call_id", "recording", "status", "attempts", "enqueued_at", "not_before")
            for item in recordings[start..<min(start + Self.rowsPerStatement, recordings.count)] {
                let values: [any Encodable & Sendable] = [
                    Self.key(item.callID), item.recording, InspectionStatus.pending.rawValue, 0, Self.seconds(now), Self.seconds(now),
                ]
                insert = insert.values(values)
            }
            try await insert.ignoringConflicts(with: ["call_id"]).run()
        }
    }

    public func nextInspection(now: Date) async throws -> InspectionJob? {
        // PostgreSQL: concurrent workers skip a row another is claiming. Both
        // dialects: the outer status check makes a claim lost to a race return nothing.
        let skipLocked = kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let pending = InspectionStatus.pending.rawValue
        let row = try await database.raw("""
            UPDATE inspections SET status = \(bind: InspectionStatus.running.rawValue), attempts = attempts + 1,
                claimed_at = \(bind: Self.seconds(now))
            WHERE status = \(bind: pending) AND call_id = (
                SELECT call_id FROM inspections WHERE status = \(bind: pending) AND not_before <= \(bind: Self.seconds(now))
                ORDER BY not_before, enqueued_at, call_id LIMIT 1\(unsafeRaw: skipLocked))
            RETURNING call_id, recording, attempts, enqueued_at
            """).first()
        guard let row else { return nil }
        let idText = try row.decode(column: "call_id", as: String.self)
        guard let id = UUID(uuidString: idText) else { throw StoreError.corruptRow("inspection call id '\(idText)'") }
        return InspectionJob(
            callID: id, recording: try row.decode(column: "recording", as: String.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            enqueuedAt: Self.date(try row.decode(column: "enqueued_at", as: Double.self)))
    }

    public func completeInspection(callID: UUID, resultJSON: String, score: Double?, now: Date) async throws {
        try await database.update("inspections")
            .set("status", to: InspectionStatus.done.rawValue)
            .set("result", to: resultJSON)
            .set("score", to: score)
            .set("finished_at", to: Self.seconds(now))
            .set("last_error", to: String?.none)
            .where("call_id", .equal, Self.key(callID))
            .run()
    }

    @discardableResult
    public func failInspection(callID: UUID, error: String, retryAfter: TimeInterval, maxAttempts: Int, now: Date) async throws -> InspectionStatus {
        let failed = InspectionStatus.failed.rawValue, pending = InspectionStatus.pending.rawValue
        let row = try await database.raw("""
            UPDATE inspections SET
                status = CASE WHEN attempts >= \(bind: maxAttempts) THEN \(bind: failed) ELSE \(bind: pending) END,
                finished_at = CASE WHEN attempts >= \(bind: maxAttempts) THEN \(bind: Self.seconds(now)) ELSE NULL END,
                not_before = \(bind: Self.seconds(now.addingTimeInterval(max(0, retryAfter)))),
                last_error = \(bind: error)
            WHERE call_id = \(bind: Self.key(callID))
            RETURNING status
            """).first()
        guard let status = try row.flatMap({ InspectionStatus(rawValue: try $0.decode(column: "status", as: String.self)) }) else {
            throw StoreError.corruptRow("no inspection for call \(Self.key(callID))")
        }
        return status
    }

    public func requeueRunningInspections() async throws -> Int {
        try await database.raw("""
            UPDATE inspections SET status = \(bind: InspectionStatus.pending.rawValue)
            WHERE status = \(bind: InspectionStatus.running.rawValue)
            RETURNING call_id
            """).all().count
    }

    public func inspection(callID: UUID) async throws -> InspectionRecord? {
        guard let row = try await database.select().column("*").from("inspections")
            .where("call_id", .equal, Self.key(callID)).first()
        else { return nil }
        let statusText = try row.decode(column: "status", as: String.self)
        guard let status = InspectionStatus(rawValue: statusText) else { throw StoreError.corruptRow("inspection status '\(statusText)'") }
        return InspectionRecord(
            callID: callID, recording: try row.decode(column: "recording", as: String.self), status: status,
            attempts: try row.decode(column: "attempts", as: Int.self),
            enqueuedAt: Self.date(try row.decode(column: "enqueued_at", as: Double.self)),
            notBefore: Self.date(try row.decode(column: "not_before", as: Double.self)),
            claimedAt: try row.decode(column: "claimed_at", as: Double?.self).map(Self.date),
            finishedAt: try row.decode(column: "finished_at", as: Double?.self).map(Self.date),
            lastError: try row.decode(column: "last_error", as: String?.self),
            resultJSON: try row.decode(column: "result", as: String?.self),
            score: try row.decode(column: "score", as: Double?.self))
    }

    /// Runs one statement (tests and maintenance).
    func execute(_ sql: String) async throws {
        try await database.raw(SQLQueryString(sql)).run()
    }

    /// The value of an SQLite pragma (tests).
    func pragma(_ name: String) async throws -> String? {
        guard let row = try await database.raw("PRAGMA \(unsafeRaw: name)").first() else { return nil }
        if let text = try? row.decode(column: name, as: String.self) { return text }
        return try? row.decode(column: name, as: Int.self).description
    }

    // MARK: encoding

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func fromJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow("\(type) JSON '\(text.prefix(80))'")
        }
    }

    /// `!` escapes LIKE's wildcards, so a number filter matches literally.
    static func escapeLike(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch == "!" || ch == "%" || ch == "_" { out.append("!") }
            out.append(ch)
        }
        return out
    }

    /// An opaque cursor: the start time (exact, as its bit pattern) and id of the last row of a page.
    static func encodeCursor(startedAt: Double, id: String) -> String {
        let text = String(startedAt.bitPattern, radix: 16) + "." + id
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) throws -> (startedAt: Double, id: String) {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw StoreError.invalidCursor(cursor)
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let bits = UInt64(parts[0], radix: 16), UUID(uuidString: String(parts[1])) != nil else {
            throw StoreError.invalidCursor(cursor)
        }
        return (Double(bitPattern: bits), String(parts[1]).lowercased())
    }
}

/// SQL text made once and the binds of one execution: SQLKit's builders serialize every
/// identifier and placeholder on each query, which costs more than SQLite's own work for a
/// batch of call records.
private struct PreparedText: SQLExpression {
    let text: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(text)
        serializer.binds.append(contentsOf: binds)
    }
}
