import Foundation
import Hummingbird
import NIOCore
import SIP
import Storage

/// `GET /api/v1/calls/{id}/inspection`: where the call stands in the quality-inspection
/// queue and, once inspected, its result (the JSON of `hotline qa analyze --format json`).
struct InspectionAPI: Sendable {
    let queue: any InspectionQueue
    let tokens: @Sendable () -> APITokens

    func inspection(_ request: Request, id: String) async throws -> Response {
        let role = try authorizeBearer(request, tokens: tokens())
        guard let uuid = UUID(uuidString: id), let record = try await queue.inspection(callID: uuid) else {
            throw HTTPError(.notFound, message: "no inspection of call \(id)")
        }
        let data = try JSONSerialization.data(
            withJSONObject: Self.body(record, role: role), options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The answer: every field present, null when unknown.
    static func body(_ record: InspectionRecord, role: APITokens.Role) -> [String: Any] {
        var result: Any = NSNull()
        if let json = record.resultJSON, let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) {
            result = role.seesFullNumbers ? parsed : TranscriptMask.masked(parsed)
        }
        func time(_ date: Date?) -> Any { date.map { ISO8601.format($0) as Any } ?? NSNull() }
        return [
            "callID": record.callID.uuidString.lowercased(),
            "status": record.status.rawValue,
            "attempts": record.attempts,
            "recording": record.recording,
            "enqueuedAt": ISO8601.format(record.enqueuedAt),
            "claimedAt": time(record.claimedAt),
            "finishedAt": time(record.finishedAt),
            "nextAttemptAt": record.status == .pending ? time(record.notBefore) : NSNull(),
            "lastError": record.lastError.map { (role.seesFullNumbers ? $0 : TranscriptMask.mask($0)) as Any } ?? NSNull(),
            "score": record.score.map { $0 as Any } ?? NSNull(),
            "result": result,
        ]
    }
}

/// Masks what looks like a phone number in free text (a transcript, the evidence of a
/// finding) for tokens that do not see numbers in full: a run of seven or more digits —
/// ASCII, full-width or Chinese (一三八…, 幺), in groups of three or more joined by a space or
/// a hyphen — is masked as ``PhoneNumberMask`` masks a number (`13812345678` → `138****5678`).
enum TranscriptMask {
    /// Keys whose values are identifiers or paths, not speech.
    static let verbatimKeys: Set<String> = ["call_id", "source", "rule", "rules", "auto_fail_rules"]

    static func masked(_ value: Any, key: String? = nil) -> Any {
        if let key, verbatimKeys.contains(key) { return value }
        switch value {
        case let text as String: return mask(text)
        case let array as [Any]: return array.map { masked($0, key: key) }
        case let object as [String: Any]: return object.reduce(into: [String: Any]()) { $0[$1.key] = masked($1.value, key: $1.key) }
        default: return value
        }
    }

    static let minimumDigits = 7

    static func isDigit(_ c: Character) -> Bool {
        if let ascii = c.asciiValue { return ascii >= 0x30 && ascii <= 0x39 }
        if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(scalar.value) { return true }
        return "零〇一二三四五六七八九幺两".contains(c)
    }

    static func mask(_ text: String) -> String {
        let chars = Array(text)
        /// The end of the digits starting at `index`.
        func digitsEnd(from index: Int) -> Int {
            var end = index
            while end < chars.count, isDigit(chars[end]) { end += 1 }
            return end
        }
        var out = ""
        var i = 0
        while i < chars.count {
            guard isDigit(chars[i]) else {
                out.append(chars[i])
                i += 1
                continue
            }
            // Groups of three or more digits joined by one space or hyphen are one number
            // (138 1234 5678, 021-55556666); a date's 2025-10-09 is not.
            var groupStart = i, end = digitsEnd(from: i), digits = end - i
            while end < chars.count, chars[end] == " " || chars[end] == "-", end - groupStart >= 3 {
                let next = digitsEnd(from: end + 1)
                guard next - (end + 1) >= 3 else { break }
                digits += next - (end + 1)
                groupStart = end + 1
                end = next
            }
            let run = chars[i..<end]
            if digits >= minimumDigits {
                // PhoneNumberMask decides which positions to hide; separators stay.
                let shape = PhoneNumberMask.mask(String(run.map { isDigit($0) ? "0" : $0 }))
                for (original, masked) in zip(run, shape) { out.append(masked == "*" && isDigit(original) ? "*" : original) }
            } else {
                out.append(contentsOf: run)
            }
            i = end
        }
        return out
    }
}
