import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Testing

@testable import API

/// What the worker stores: the JSON of `hotline qa analyze --format json` (abridged).
private let resultJSON = #"""
{"call_id":"c0ffee00-0000-4000-8000-000000000001","source":"data/recordings/2025-10-09/c0ffee00-0000-4000-8000-000000000001.wav",
 "duration":95.5,"score":72.5,"passed":false,"auto_failed":false,"auto_fail_rules":[],"rules":["complaint_risk","long_silence"],
 "hits":[
  {"rule":"complaint_risk","severity":"major","speaker":"customer","start":12.5,"end":16,
   "text":"我要投诉，回电 13812345678 或者 138-1234-5678，工号 8001","matched":"投诉"},
  {"rule":"long_silence","severity":"minor","speaker":"agent","start":40,"end":52.25,
   "text":"您的订单号是一三八一二三四五六七八","detail":"silence 12.2 s"}]}
"""#

private let enqueued = Date(timeIntervalSince1970: 1_760_000_000)

@Suite("Inspection API")
struct InspectionRouteTests {
    @Test("needs a bearer token; 404 for calls never enqueued and malformed ids")
    func authenticationAndNotFound() async throws {
        try await withAPIStore { store, client in
            let id = UUID()
            try await store.enqueueInspection(callID: id, recording: "/r/a.wav", now: enqueued)
            let uri = "/api/v1/calls/\(id)/inspection"
            let none = try await get(client, uri, token: nil)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == "Bearer realm=\"hotline\"")
            #expect(try await get(client, uri, token: "not-a-token-0123456789").status == .unauthorized)
            #expect(try await get(client, uri, token: maskedToken).status == .ok)
            #expect(try await get(client, "/api/v1/calls/\(UUID())/inspection").status == .notFound)
            #expect(try await get(client, "/api/v1/calls/nope/inspection").status == .notFound)
        }
    }

    @Test("pending, then retried with the error and the next attempt's time")
    func pendingAndRetried() async throws {
        try await withAPIStore { store, client in
            let id = UUID()
            try await store.enqueueInspection(callID: id, recording: "/r/a.wav", now: enqueued)
            var body = try json(try await get(client, "/api/v1/calls/\(id.uuidString.lowercased())/inspection"))
            #expect(body["callID"] as? String == id.uuidString.lowercased())
            #expect(body["status"] as? String == "pending")
            #expect(body["attempts"] as? Int == 0)
            #expect(body["recording"] as? String == "/r/a.wav")
            #expect(body["enqueuedAt"] as? String == "2025-10-09T08:53:20.000Z")
            #expect(body["nextAttemptAt"] as? String == "2025-10-09T08:53:20.000Z")
            for key in ["claimedAt", "finishedAt", "lastError", "score", "result"] { #expect(body[key] is NSNull, "\(key)") }
            #expect(body.count == 11)

            _ = try await store.nextInspection(now: enqueued)
            body = try json(try await get(client, "/api/v1/calls/\(id)/inspection"))
            #expect(body["status"] as? String == "running")
            #expect(body["attempts"] as? Int == 1)
            #expect(body["claimedAt"] as? String == "2025-10-09T08:53:20.000Z")
            #expect(body["nextAttemptAt"] is NSNull)

            try await store.failInspection(callID: id, error: "cannot read /r/a.wav", retryAfter: 30, maxAttempts: 3, now: enqueued)
            body = try json(try await get(client, "/api/v1/calls/\(id)/inspection"))
            #expect(body["status"] as? String == "pending")
            #expect(body["lastError"] as? String == "cannot read /r/a.wav")
            #expect(body["nextAttemptAt"] as? String == "2025-10-09T08:53:50.000Z")
        }
    }

    @Test("done: score and result with findings and times; numbers in the words masked unless the role is full")
    func doneAndMasked() async throws {
        try await withAPIStore { store, client in
            let id = UUID()
            try await store.enqueueInspection(callID: id, recording: "/r/a.wav", now: enqueued)
            _ = try await store.nextInspection(now: enqueued)
            try await store.completeInspection(callID: id, resultJSON: resultJSON, score: 72.5, now: enqueued.addingTimeInterval(2))

            let full = try json(try await get(client, "/api/v1/calls/\(id)/inspection", token: fullToken))
            #expect(full["status"] as? String == "done")
            #expect(full["score"] as? Double == 72.5)
            #expect(full["finishedAt"] as? String == "2025-10-09T08:53:22.000Z")
            let result = try #require(full["result"] as? [String: Any])
            #expect(result["rules"] as? [String] == ["complaint_risk", "long_silence"])
            let hits = try #require(result["hits"] as? [[String: Any]])
            #expect(hits.map { $0["rule"] as? String } == ["complaint_risk", "long_silence"])
            #expect(hits[0]["start"] as? Double == 12.5 && hits[0]["end"] as? Double == 16)
            #expect(hits[1]["end"] as? Double == 52.25)
            #expect(hits[0]["text"] as? String == "我要投诉，回电 13812345678 或者 138-1234-5678，工号 8001")

            let masked = try json(try await get(client, "/api/v1/calls/\(id)/inspection", token: maskedToken))
            let maskedResult = try #require(masked["result"] as? [String: Any])
            let maskedHits = try #require(maskedResult["hits"] as? [[String: Any]])
            #expect(maskedHits[0]["text"] as? String == "我要投诉，回电 138****5678 或者 138-****-5678，工号 8001")
            #expect(maskedHits[1]["text"] as? String == "您的订单号是一三八****五六七八")
            #expect(maskedHits[0]["matched"] as? String == "投诉")
            #expect(maskedHits[1]["detail"] as? String == "silence 12.2 s")
            #expect(maskedResult["call_id"] as? String == "c0ffee00-0000-4000-8000-000000000001", "ids are not masked")
            #expect(maskedResult["source"] as? String == result["source"] as? String)
            #expect(masked["score"] as? Double == 72.5)
        }
    }

    @Test("phone-number-like runs are masked in free text; short numbers and other text are not")
    func transcriptMask() {
        #expect(TranscriptMask.mask("电话13812345678") == "电话138****5678")
        #expect(TranscriptMask.mask("+86 138 1234 5678") == "+86 138 **** 5678")
        #expect(TranscriptMask.mask("座机 021-55556666") == "座机 021-****6666")
        #expect(TranscriptMask.mask("５５５１２３４") == "５*****４")
        #expect(TranscriptMask.mask("工号8001，等了 120 秒，2025-10-09") == "工号8001，等了 120 秒，2025-10-09")
        #expect(TranscriptMask.mask("幺三八一二三四五六七八") == "幺三八****五六七八")
        #expect(TranscriptMask.mask("没有数字") == "没有数字")
        #expect(TranscriptMask.mask("") == "")
    }
}
