import Foundation
import Testing

@testable import Storage

@Suite("Inspection queue")
struct InspectionQueueTests {
    @Test("enqueue once, claim oldest first, complete with the result", arguments: Backend.available)
    func claimAndComplete(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let first = UUID(), second = UUID()
            #expect(try await store.enqueueInspection(callID: first, recording: "a.wav", now: at(0)))
            #expect(try await store.enqueueInspection(callID: second, recording: "b.wav", now: at(1)))
            #expect(try await !store.enqueueInspection(callID: first, recording: "a.wav", now: at(2)), "queued once per call")

            let job = try #require(try await store.nextInspection(now: at(10)))
            #expect(job == InspectionJob(callID: first, recording: "a.wav", attempts: 1, enqueuedAt: at(0)))
            let next = try #require(try await store.nextInspection(now: at(10)))
            #expect(next.callID == second)
            #expect(try await store.nextInspection(now: at(10)) == nil, "both are claimed")

            try await store.completeInspection(callID: first, resultJSON: #"{"score":92,"hits":[]}"#, score: 92, now: at(20))
            let done = try #require(try await store.inspection(callID: first))
            #expect(done.status == .done)
            #expect(done.resultJSON == #"{"score":92,"hits":[]}"#)
            #expect(done.score == 92)
            #expect(done.attempts == 1)
            #expect(done.claimedAt == at(10))
            #expect(done.finishedAt == at(20))
            #expect(try await store.inspection(callID: UUID()) == nil)
        }
    }

    @Test("a failure is retried after a delay until the last attempt, then fails for good", arguments: Backend.available)
    func retries(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = UUID()
            try await store.enqueueInspection(callID: id, recording: "c.wav", now: at(0))
            #expect(try await store.nextInspection(now: at(0))?.attempts == 1)
            #expect(try await store.failInspection(callID: id, error: "ASR timed out", retryAfter: 30, maxAttempts: 3, now: at(5)) == .pending)
            #expect(try await store.nextInspection(now: at(34)) == nil, "not due yet")
            #expect(try await store.nextInspection(now: at(35))?.attempts == 2)
            #expect(try await store.failInspection(callID: id, error: "ASR 503", retryAfter: 30, maxAttempts: 3, now: at(40)) == .pending)
            #expect(try await store.nextInspection(now: at(70))?.attempts == 3)
            #expect(try await store.failInspection(callID: id, error: "unreadable WAV", retryAfter: 30, maxAttempts: 3, now: at(75)) == .failed)
            #expect(try await store.nextInspection(now: at(1000)) == nil)
            let record = try #require(try await store.inspection(callID: id))
            #expect(record.status == .failed)
            #expect(record.attempts == 3)
            #expect(record.lastError == "unreadable WAV")
            #expect(record.finishedAt == at(75))
            await #expect(throws: StoreError.self) {
                try await store.failInspection(callID: UUID(), error: "x", retryAfter: 1, maxAttempts: 1, now: at(0))
            }
        }
    }

    @Test("claims of a worker that stopped are pending again at start", arguments: Backend.available)
    func requeue(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let id = UUID()
            try await store.enqueueInspection(callID: id, recording: "d.wav", now: at(0))
            _ = try await store.nextInspection(now: at(1))
            #expect(try await store.nextInspection(now: at(2)) == nil)
            #expect(try await store.requeueRunningInspections() == 1)
            #expect(try await store.nextInspection(now: at(3)) == InspectionJob(callID: id, recording: "d.wav", attempts: 2, enqueuedAt: at(0)))
            #expect(try await store.requeueRunningInspections() == 1)
            #expect(try await store.requeueRunningInspections() == 0)
        }
    }

    @Test("concurrent workers never claim the same recording", arguments: Backend.available)
    func concurrentClaims(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            for index in 0..<20 {
                try await store.enqueueInspection(callID: UUID(), recording: "\(index).wav", now: at(Double(index)))
            }
            let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var mine: [UUID] = []
                        for _ in 0..<10 {
                            if let job = try await store.nextInspection(now: at(100)) { mine.append(job.callID) }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [UUID]()) { $0 += $1 }
            }
            #expect(Set(claimed).count == claimed.count, "no recording claimed twice")
            // Every claim either won a row or lost a race; whatever is left is still claimable.
            var rest = 0
            while try await store.nextInspection(now: at(100)) != nil { rest += 1 }
            #expect(claimed.count + rest == 20)
        }
    }
}
