/// The schema, as numbered migrations applied in order and recorded in
/// `hotline_migrations`. The same SQL runs on SQLite and PostgreSQL: times are
/// Unix seconds in `DOUBLE PRECISION`, ids and JSON are `TEXT`, counts `BIGINT`.
/// Never edit a migration that has shipped; add the next one.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

enum Schema {
    static let migrationsTable = "hotline_migrations"

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS hotline_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at DOUBLE PRECISION NOT NULL
        )
        """

    static let migrations: [Migration] = [
        Migration(version: 1, name: "calls", statements: [
            """
            CREATE TABLE calls (
                id TEXT PRIMARY KEY,
                sip_call_id TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL,
                answered_at DOUBLE PRECISION,
                ended_at DOUBLE PRECISION,
                caller TEXT NOT NULL,
                caller_domain TEXT,
                dialled TEXT NOT NULL,
                trunk TEXT,
                disposition TEXT NOT NULL,
                steps TEXT NOT NULL,
                digits TEXT NOT NULL,
                variables TEXT NOT NULL,
                queue TEXT,
                agent TEXT,
                wait_seconds DOUBLE PRECISION,
                talk_seconds DOUBLE PRECISION NOT NULL,
                hangup_by TEXT,
                hangup_cause TEXT,
                sip_status BIGINT,
                caller_media TEXT,
                agent_media TEXT,
                recording TEXT,
                cost DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX calls_started_at ON calls (started_at, id)",
            "CREATE INDEX calls_disposition ON calls (disposition, started_at)",
            "CREATE INDEX calls_trunk ON calls (trunk, started_at)",
            "CREATE INDEX calls_sip_call_id ON calls (sip_call_id)",
        ]),
        Migration(version: 2, name: "inspections", statements: [
            """
            CREATE TABLE inspections (
                call_id TEXT PRIMARY KEY,
                recording TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                enqueued_at DOUBLE PRECISION NOT NULL,
                not_before DOUBLE PRECISION NOT NULL,
                claimed_at DOUBLE PRECISION,
                finished_at DOUBLE PRECISION,
                last_error TEXT,
                result TEXT,
                score DOUBLE PRECISION
            )
            """,
            "CREATE INDEX inspections_due ON inspections (status, not_before, enqueued_at)",
        ]),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }
}
