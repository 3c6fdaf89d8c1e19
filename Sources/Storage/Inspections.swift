import Foundation

/// Where a recording stands in the quality-inspection queue.
public enum InspectionStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for a worker (first time, or again after a failure).
    case pending
    /// Claimed by a worker.
    case running
    /// Inspected: the result is stored.
    case done
    /// Given up after the last allowed attempt.
    case failed
}

/// A recording claimed for inspection.
public struct InspectionJob: Sendable, Equatable {
    public var callID: UUID
    public var recording: String
    /// Attempts so far, this one included (1 on the first claim).
    public var attempts: Int
    public var enqueuedAt: Date

    public init(callID: UUID, recording: String, attempts: Int, enqueuedAt: Date) {
        self.callID = callID
        self.recording = recording
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
    }
}

/// A row of the inspection queue, with its result once done.
public struct InspectionRecord: Sendable, Equatable {
    public var callID: UUID
    public var recording: String
    public var status: InspectionStatus
    public var attempts: Int
    public var enqueuedAt: Date
    /// Not claimed before this time (a retry waits).
    public var notBefore: Date
    public var claimedAt: Date?
    public var finishedAt: Date?
    public var lastError: String?
    /// The inspection result as JSON (the `Quality` module's result of a call).
    public var resultJSON: String?
    public var score: Double?

    public init(
        callID: UUID, recording: String, status: InspectionStatus, attempts: Int, enqueuedAt: Date, notBefore: Date,
        claimedAt: Date? = nil, finishedAt: Date? = nil, lastError: String? = nil, resultJSON: String? = nil, score: Double? = nil
    ) {
        self.callID = callID
        self.recording = recording
        self.status = status
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
        self.notBefore = notBefore
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.lastError = lastError
        self.resultJSON = resultJSON
        self.score = score
    }
}

/// The persisted queue of the server's quality-inspection worker: each finished
/// recording is enqueued once, claimed by a worker, and completed or retried.
public protocol InspectionQueue: Sendable {
    /// Adds a recording; returns false when the call is queued (or inspected) already.
    @discardableResult
    func enqueueInspection(callID: UUID, recording: String, now: Date) async throws -> Bool
    /// Claims the oldest pending recording that is due, counting an attempt; nil when none is.
    func nextInspection(now: Date) async throws -> InspectionJob?
    /// Stores the result of a claimed recording.
    func completeInspection(callID: UUID, resultJSON: String, score: Double?, now: Date) async throws
    /// Records a failed attempt: pending again after `retryAfter` seconds, or failed
    /// for good once `maxAttempts` attempts were made. Returns the new status.
    @discardableResult
    func failInspection(callID: UUID, error: String, retryAfter: TimeInterval, maxAttempts: Int, now: Date) async throws -> InspectionStatus
    /// At start: recordings claimed by a worker that stopped become pending again. Returns how many.
    func requeueRunningInspections() async throws -> Int
    func inspection(callID: UUID) async throws -> InspectionRecord?
    /// Adds many recordings at once (one statement, one disk flush); calls queued already are
    /// left as they are.
    func enqueueInspections(_ recordings: [(callID: UUID, recording: String)], now: Date) async throws
}

extension InspectionQueue {
    public func enqueueInspections(_ recordings: [(callID: UUID, recording: String)], now: Date) async throws {
        for item in recordings { try await enqueueInspection(callID: item.callID, recording: item.recording, now: now) }
    }

    @discardableResult
    public func enqueueInspection(callID: UUID, recording: String) async throws -> Bool {
        try await enqueueInspection(callID: callID, recording: recording, now: Date())
    }

    public func nextInspection() async throws -> InspectionJob? {
        try await nextInspection(now: Date())
    }

    public func completeInspection(callID: UUID, resultJSON: String, score: Double?) async throws {
        try await completeInspection(callID: callID, resultJSON: resultJSON, score: score, now: Date())
    }

    /// A failed attempt, retried after a minute, at most 3 attempts in all.
    @discardableResult
    public func failInspection(callID: UUID, error: String, retryAfter: TimeInterval = 60, maxAttempts: Int = 3) async throws -> InspectionStatus {
        try await failInspection(callID: callID, error: error, retryAfter: retryAfter, maxAttempts: maxAttempts, now: Date())
    }
}
