import Foundation

/// How a call ended (or that it has not yet).
public enum CallDisposition: String, Codable, Sendable, CaseIterable {
    /// The call is running (or the node stopped before it ended: see ``interrupted``).
    case inProgress = "in-progress"
    /// An agent, a flow or a transfer target answered.
    case answered
    /// The caller hung up before anyone answered.
    case abandoned
    /// Refused before it started: not allowed (403), over a channel limit (503), unknown number.
    case rejected
    /// Ended by an error: media timeout, a failed transfer, an internal error.
    case failed
    /// The node stopped while the call ran; found at the next start.
    case interrupted
}

/// Who ended a call.
public enum HangupParty: String, Codable, Sendable {
    case caller, agent, system
}

/// RTP statistics of one leg of a call.
public struct LegMediaStatistics: Codable, Sendable, Equatable {
    public var packetsReceived: Int
    public var packetsSent: Int
    public var packetsLost: Int
    /// Interarrival jitter (RFC 3550 §6.4.1), in milliseconds.
    public var jitterMilliseconds: Double
    /// The longest gap between two received packets, in milliseconds.
    public var maxGapMilliseconds: Double

    public init(packetsReceived: Int = 0, packetsSent: Int = 0, packetsLost: Int = 0, jitterMilliseconds: Double = 0, maxGapMilliseconds: Double = 0) {
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.maxGapMilliseconds = maxGapMilliseconds
    }
}

/// One call on record (a CDR).
///
/// Times are kept as Unix seconds in double precision: a time read back equals
/// the one written to well under a microsecond, but not always bit for bit
/// (compare with a tolerance, or use times in whole seconds in tests).
public struct CallRecord: Codable, Sendable, Equatable {
    public var id: UUID
    /// The Call-ID of the caller's INVITE.
    public var sipCallID: String
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    /// The caller's full number; masking happens on output.
    public var caller: String
    /// The host of the caller's From URI.
    public var callerDomain: String?
    /// The number the caller dialled (the 95 number, a DID or a virtual number).
    public var dialled: String
    /// The trunk the call came in on.
    public var trunk: String?
    public var disposition: CallDisposition
    /// Flow steps taken, in order, e.g. `["greeting/welcome", "greeting/menu"]`.
    public var steps: [String]
    /// Every digit the caller entered, in order.
    public var digits: String
    /// Call variables (set by the flow, the CRM webhook).
    public var variables: [String: String]
    public var queue: String?
    public var agent: String?
    /// Seconds spent waiting in a queue.
    public var waitSeconds: Double?
    /// Seconds from answer to end.
    public var talkSeconds: Double
    public var hangupBy: HangupParty?
    /// Why the call ended: `BYE`, `CANCEL`, `403 Forbidden`, `max-duration`, `media-timeout`, `interrupted` …
    public var hangupCause: String?
    /// The final SIP status sent or received for the INVITE.
    public var sipStatus: Int?
    public var callerMedia: LegMediaStatistics?
    public var agentMedia: LegMediaStatistics?
    /// The recording's path (relative to the recordings directory) or object key.
    public var recording: String?
    /// Minutes × the trunk's per-minute price.
    public var cost: Double

    public init(
        id: UUID = .random(), sipCallID: String, startedAt: Date, answeredAt: Date? = nil, endedAt: Date? = nil,
        caller: String, callerDomain: String? = nil, dialled: String, trunk: String? = nil,
        disposition: CallDisposition = .inProgress, steps: [String] = [], digits: String = "",
        variables: [String: String] = [:], queue: String? = nil, agent: String? = nil, waitSeconds: Double? = nil,
        talkSeconds: Double = 0, hangupBy: HangupParty? = nil, hangupCause: String? = nil, sipStatus: Int? = nil,
        callerMedia: LegMediaStatistics? = nil, agentMedia: LegMediaStatistics? = nil, recording: String? = nil,
        cost: Double = 0
    ) {
        self.id = id
        self.sipCallID = sipCallID
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.caller = caller
        self.callerDomain = callerDomain
        self.dialled = dialled
        self.trunk = trunk
        self.disposition = disposition
        self.steps = steps
        self.digits = digits
        self.variables = variables
        self.queue = queue
        self.agent = agent
        self.waitSeconds = waitSeconds
        self.talkSeconds = talkSeconds
        self.hangupBy = hangupBy
        self.hangupCause = hangupCause
        self.sipStatus = sipStatus
        self.callerMedia = callerMedia
        self.agentMedia = agentMedia
        self.recording = recording
        self.cost = cost
    }
}

/// Which calls to list.
///
/// Paging: either `offset` (skip that many rows) or `cursor` (the `nextCursor`
/// of the previous page: stable while new calls arrive). A cursor wins over an offset.
public struct CallQuery: Sendable, Equatable {
    /// Calls that started at or after this time.
    public var from: Date?
    /// Calls that started before this time (exclusive).
    public var to: Date?
    /// A substring of the caller's or the dialled number (`5678` finds `13812345678`).
    public var number: String?
    /// Exact trunk name.
    public var trunk: String?
    public var disposition: CallDisposition?
    /// Rows per page: 1…``maximumLimit``; values outside are clamped.
    public var limit: Int
    public var offset: Int
    public var cursor: String?

    public static let defaultLimit = 50
    public static let maximumLimit = 1000

    public init(
        from: Date? = nil, to: Date? = nil, number: String? = nil, trunk: String? = nil,
        disposition: CallDisposition? = nil, limit: Int = CallQuery.defaultLimit, offset: Int = 0, cursor: String? = nil
    ) {
        self.from = from
        self.to = to
        self.number = number
        self.trunk = trunk
        self.disposition = disposition
        self.limit = limit
        self.offset = offset
        self.cursor = cursor
    }

    /// `limit` clamped to 1…``maximumLimit``.
    public var effectiveLimit: Int { min(max(limit, 1), Self.maximumLimit) }
}

/// One page of calls, newest first.
public struct CallPage: Sendable, Equatable {
    public var calls: [CallRecord]
    /// How many calls match the filters (all pages).
    public var total: Int
    /// Pass as ``CallQuery/cursor`` for the next page; nil on the last page.
    public var nextCursor: String?
    /// Pass as ``CallQuery/offset`` for the next page; nil on the last page.
    public var nextOffset: Int?

    public init(calls: [CallRecord], total: Int, nextCursor: String? = nil, nextOffset: Int? = nil) {
        self.calls = calls
        self.total = total
        self.nextCursor = nextCursor
        self.nextOffset = nextOffset
    }
}

/// Where call records are written and read.
public protocol CallStore: Sendable {
    /// Writes the row of a call that has just started (disposition in-progress).
    /// Does nothing when a row with this id exists already.
    func callStarted(_ record: CallRecord) async throws
    /// Writes the final row (insert or replace by id); durable when this returns.
    func callEnded(_ record: CallRecord) async throws
    /// At start: rows still in progress (the node stopped during those calls) become interrupted.
    /// Returns how many.
    func markInterrupted(endedAt: Date) async throws -> Int
    /// Calls matching the query, newest first.
    func calls(matching query: CallQuery) async throws -> CallPage
    func call(id: UUID) async throws -> CallRecord?
    /// Writes many calls' rows at once: first the in-progress rows of `started` (as
    /// ``callStarted(_:)``), then the final rows of `ended` (as ``callEnded(_:)``); durable when
    /// this returns. A busy node writes a batch per disk flush instead of a flush per row.
    func record(started: [CallRecord], ended: [CallRecord]) async throws
}

extension CallStore {
    public func record(started: [CallRecord], ended: [CallRecord]) async throws {
        for record in started { try await callStarted(record) }
        for record in ended { try await callEnded(record) }
    }
}

/// Errors of the store.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// A paging cursor that this store did not make.
    case invalidCursor(String)
    /// The database holds a schema newer than this program knows.
    case schemaTooNew(found: Int, known: Int)
    /// A row that cannot be read back as a record.
    case corruptRow(String)
    /// A connection URL that cannot be used.
    case invalidURL(String)

    public var description: String {
        switch self {
        case .invalidCursor: "invalid paging cursor"
        case .schemaTooNew(let found, let known): "the database schema is version \(found); this program knows versions up to \(known)"
        case .corruptRow(let detail): "unreadable row: \(detail)"
        case .invalidURL(let detail): "invalid database URL: \(detail)"
        }
    }
}

extension UUID {
    /// A random (version 4) UUID from the system's random generator (`getrandom`), without the
    /// file opened and read on every call by `UUID()` on Linux: one per call, on the SIP loop.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64, low = generator.next() as UInt64
        high = (high & ~0xF000) | 0x4000 // version 4 in the high nibble of byte 6
        low = (low & ~(0xC0 << 56)) | (0x80 << 56) // variant 10 in byte 8
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: uuid)
    }
}
