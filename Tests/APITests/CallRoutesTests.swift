import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing

@testable import API

private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_760_000_000 + seconds) }

/// A router with the call routes over a temporary SQLite store holding `records`.
private func withAPI(
    _ records: [CallRecord] = [], csvPageSize: Int = 1000,
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await withAPIStore(records, csvPageSize: csvPageSize) { _, client in try await body(client) }
}

private func sampleCalls() -> [CallRecord] {
    var a = CallRecord(sipCallID: "a@carrier", startedAt: at(0), caller: "13812345678", dialled: "959999", trunk: "carrier-a")
    a.disposition = .answered
    a.answeredAt = at(10)
    a.endedAt = at(70)
    a.talkSeconds = 60
    a.steps = ["greeting/welcome", "greeting/menu"]
    a.digits = "1"
    a.agent = "8001"
    a.queue = "sales"
    a.hangupBy = .caller
    a.hangupCause = "BYE"
    a.sipStatus = 200
    a.cost = 0.06
    a.callerMedia = LegMediaStatistics(packetsReceived: 3000, packetsSent: 3000, packetsLost: 2, jitterMilliseconds: 1.5, maxGapMilliseconds: 40)
    var b = CallRecord(sipCallID: "=HYPERLINK(\"http://x\")", startedAt: at(3600), caller: "13900001111", callerDomain: "enterprise.com", dialled: "959999", trunk: "carrier-b")
    b.disposition = .abandoned
    b.steps = ["greeting/welcome"]
    b.digits = "0123456789"
    b.variables = ["备注": "客户说: \"尽快\", 谢谢", "crm": "C-1"]
    b.hangupBy = .caller
    b.hangupCause = "CANCEL"
    b.sipStatus = 487
    var c = CallRecord(sipCallID: "c", startedAt: at(7200), caller: "02155556666", dialled: "9599990001", trunk: "carrier-a")
    c.disposition = .rejected
    c.hangupBy = .system
    c.hangupCause = "403 Forbidden"
    c.sipStatus = 403
    return [a, b, c]
}

@Suite("Call API")
struct CallRoutesTests {
    @Test("every route needs a valid bearer token; /healthz does not")
    func authentication() async throws {
        let calls = sampleCalls()
        try await withAPI(calls) { client in
            for uri in ["/api/v1/calls", "/api/v1/calls/\(calls[0].id)", "/api/v1/calls.csv", "/api/v1/openapi.json"] {
                let none = try await get(client, uri, token: nil)
                #expect(none.status == .unauthorized, "\(uri)")
                #expect(none.headers[.wwwAuthenticate] == "Bearer realm=\"hotline\"")
                let wrong = try await get(client, uri, token: "full-token-0123456789abcdeX")
                #expect(wrong.status == .unauthorized)
                #expect(wrong.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true)
                #expect(!String(buffer: wrong.body).contains("138"))
                let basic = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Basic \(fullToken)"])
                #expect(basic.status == .unauthorized)
                #expect(try await get(client, uri, token: fullToken).status == .ok)
                #expect(try await get(client, uri, token: maskedToken).status == .ok)
            }
            let lowercase = try await client.execute(uri: "/api/v1/calls", method: .get, headers: [.authorization: "bearer \(fullToken)"])
            #expect(lowercase.status == .ok)
            #expect(try await get(client, "/healthz", token: nil).status == .ok)
        }
    }

    @Test("calls newest first, every field, numbers masked unless the role is full")
    func list() async throws {
        let calls = sampleCalls()
        try await withAPI(calls) { client in
            let response = try await get(client, "/api/v1/calls", token: maskedToken)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let body = try json(response)
            #expect(body["total"] as? Int == 3)
            #expect(body["limit"] as? Int == 50)
            #expect(body["nextCursor"] is NSNull)
            #expect(body["nextOffset"] is NSNull)
            let items = try #require(body["calls"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == calls.reversed().map { $0.id.uuidString.lowercased() })
            #expect(items.map { $0["caller"] as? String } == ["021****6666", "139****1111", "138****5678"])
            #expect(items[1]["digits"] as? String == "0********9")
            #expect(items[2]["digits"] as? String == "1")
            #expect(items[2]["dialled"] as? String == "959999")

            let last = items[2]
            #expect(last["startedAt"] as? String == "2025-10-09T08:53:20.000Z")
            #expect(last["answeredAt"] as? String == "2025-10-09T08:53:30.000Z")
            #expect(last["disposition"] as? String == "answered")
            #expect(last["steps"] as? [String] == ["greeting/welcome", "greeting/menu"])
            #expect(last["talkSeconds"] as? Double == 60)
            #expect(last["hangupBy"] as? String == "caller")
            #expect(last["sipStatus"] as? Int == 200)
            #expect((last["callerMedia"] as? [String: Any])?["packetsLost"] as? Int == 2)
            #expect(last["agentMedia"] is NSNull, "unknown fields are null, not absent")
            #expect(last["recording"] is NSNull)
            #expect(Set(last.keys).count == 24)

            let full = try json(try await get(client, "/api/v1/calls", token: fullToken))
            let fullItems = try #require(full["calls"] as? [[String: Any]])
            #expect(fullItems.map { $0["caller"] as? String } == ["02155556666", "13900001111", "13812345678"])
            #expect(fullItems[1]["digits"] as? String == "0123456789")
            #expect((fullItems[1]["variables"] as? [String: String])?["备注"] == "客户说: \"尽快\", 谢谢")
        }
    }

    @Test("filters by time (with zone), number, trunk and disposition; bad parameters are 400")
    func filters() async throws {
        let calls = sampleCalls()
        try await withAPI(calls) { client in
            func ids(_ query: String) async throws -> [String] {
                let response = try await get(client, "/api/v1/calls?" + query)
                #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                return try #require(try json(response)["calls"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            }
            let id = calls.map { $0.id.uuidString.lowercased() }
            // at(3600) is 2025-10-09T09:53:20Z = 17:53:20 in Shanghai.
            #expect(try await ids("from=2025-10-09T17:53:20%2B08:00") == [id[2], id[1]])
            #expect(try await ids("from=2025-10-09T17:53:20+08:00") == [id[2], id[1]], "an unencoded + still means +")
            #expect(try await ids("to=2025-10-09T09:53:20Z") == [id[0]])
            #expect(try await ids("from=2025-10-09T08:53:20.000Z&to=2025-10-09T09:53:20.001Z") == [id[1], id[0]])
            #expect(try await ids("number=5678") == [id[0]])
            #expect(try await ids("number=13900001111") == [id[1]])
            #expect(try await ids("number=9599990001") == [id[2]])
            #expect(try await ids("trunk=carrier-a") == [id[2], id[0]])
            #expect(try await ids("disposition=abandoned") == [id[1]])
            #expect(try await ids("disposition=in-progress") == [])
            #expect(try await ids("trunk=carrier-a&disposition=answered&number=138") == [id[0]])

            for bad in ["from=yesterday", "to=2025-13-40", "disposition=busy", "limit=0", "limit=ten", "offset=-1", "cursor=nonsense",
                        "from=2025-10-10T00:00:00Z&to=2025-10-09T00:00:00Z"] {
                let response = try await get(client, "/api/v1/calls?" + bad)
                #expect(response.status == .badRequest, "\(bad)")
                let error = try json(response)["error"] as? [String: Any]
                #expect(error?["message"] is String, "\(bad)")
            }
        }
    }

    @Test("paging by cursor and by offset visits every call once")
    func paging() async throws {
        let calls = (0..<7).map { index in
            CallRecord(sipCallID: "\(index)", startedAt: at(Double(index) * 60), caller: "1380000000\(index)", dialled: "959999")
        }
        try await withAPI(calls) { client in
            let expected = calls.reversed().map { $0.id.uuidString.lowercased() }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let uri = "/api/v1/calls?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let body = try json(try await get(client, uri))
                #expect(body["total"] as? Int == 7)
                seen += try #require(body["calls"] as? [[String: Any]]).compactMap { $0["id"] as? String }
                cursor = body["nextCursor"] as? String
            } while cursor != nil && seen.count < 20
            #expect(seen == expected)

            let page = try json(try await get(client, "/api/v1/calls?limit=3&offset=3"))
            #expect(try #require(page["calls"] as? [[String: Any]]).compactMap { $0["id"] as? String } == Array(expected[3..<6]))
            #expect(page["offset"] as? Int == 3)
            #expect(page["nextOffset"] as? Int == 6)
            let big = try json(try await get(client, "/api/v1/calls?limit=5000"))
            #expect(big["limit"] as? Int == 1000)
        }
    }

    @Test("one call by id; unknown or malformed ids are 404")
    func single() async throws {
        let calls = sampleCalls()
        try await withAPI(calls) { client in
            let response = try await get(client, "/api/v1/calls/\(calls[0].id)", token: maskedToken)
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["id"] as? String == calls[0].id.uuidString.lowercased())
            #expect(body["caller"] as? String == "138****5678")
            let lower = try await get(client, "/api/v1/calls/\(calls[0].id.uuidString.lowercased())", token: fullToken)
            #expect(try json(lower)["caller"] as? String == "13812345678")
            #expect(try await get(client, "/api/v1/calls/\(UUID())").status == .notFound)
            #expect(try await get(client, "/api/v1/calls/not-a-uuid").status == .notFound)
        }
    }

    @Test("CSV: header, CRLF, quoting, UTF-8, formulas defused, masking, filters, every page")
    func csv() async throws {
        let calls = sampleCalls()
        try await withAPI(calls, csvPageSize: 2) { client in
            let response = try await get(client, "/api/v1/calls.csv", token: maskedToken)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8; header=present")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"calls.csv\"")
            let text = String(buffer: response.body)
            #expect(text.hasSuffix("\r\n"))
            let lines = text.components(separatedBy: "\r\n").dropLast()
            #expect(lines.count == 4, "header and three calls, across two pages of the store")
            #expect(lines.first == CallCSV.columns.joined(separator: ","))
            #expect(lines[1].hasPrefix(calls[2].id.uuidString.lowercased() + ",2025-10-09T10:53:20.000Z,,,021****6666,,9599990001,carrier-a,rejected,"))
            #expect(lines[2].contains(",139****1111,enterprise.com,"))
            #expect(lines[2].contains(",0********9,"))
            #expect(lines[2].contains(#","'=HYPERLINK(""http://x"")","#), "formula defused and quoted")
            #expect(lines[2].hasSuffix(#","{""crm"":""C-1"",""备注"":""客户说: \""尽快\"", 谢谢""}""#))
            #expect(lines[3].contains(",138****5678,,959999,carrier-a,answered,greeting/welcome > greeting/menu,1,sales,8001,,60.0,caller,BYE,200,2,1.5,,,,0.06,a@carrier,"))

            let full = String(buffer: try await get(client, "/api/v1/calls.csv?trunk=carrier-a&number=138").body)
            #expect(full.components(separatedBy: "\r\n").count == 3)
            #expect(full.contains(",13812345678,"))

            let limited = String(buffer: try await get(client, "/api/v1/calls.csv?limit=1").body)
            #expect(limited.components(separatedBy: "\r\n").dropLast().count == 2)
            let bom = try await get(client, "/api/v1/calls.csv?bom=1")
            #expect(Array(bom.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(try await get(client, "/api/v1/calls.csv?disposition=nope").status == .badRequest)
        }
    }

    @Test("CSV fields are quoted as RFC 4180 says")
    func csvFields() {
        #expect(CallCSV.field("plain") == "plain")
        #expect(CallCSV.field("a,b") == "\"a,b\"")
        #expect(CallCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CallCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CallCSV.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CallCSV.field("+8613812345678") == "+8613812345678")
        #expect(CallCSV.field("-5") == "-5")
        #expect(CallCSV.field("+cmd") == "'+cmd")
        #expect(CallCSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CallCSV.field("=1+1,2") == "\"'=1+1,2\"")
        #expect(CallCSV.field("") == "")
    }

    @Test("the OpenAPI document is OpenAPI 3.1 JSON naming every route")
    func openAPI() async throws {
        try await withAPI { client in
            let response = try await get(client, "/api/v1/openapi.json", token: maskedToken)
            #expect(response.status == .ok)
            let document = try json(response)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == ["/api/v1/calls", "/api/v1/calls/{id}", "/api/v1/calls/{id}/inspection", "/api/v1/calls.csv", "/api/v1/reload", "/api/v1/openapi.json"])
            let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            #expect((schemes?["bearer"] as? [String: Any])?["scheme"] as? String == "bearer")
            // Every $ref points at something that exists.
            let text = String(buffer: response.body)
            let components = try #require(document["components"] as? [String: [String: Any]])
            let refs = text.matches(of: /"\$ref": "#\/components\/(\w+)\/(\w+)"/)
            #expect(!refs.isEmpty)
            for ref in refs {
                #expect(components[String(ref.1)]?[String(ref.2)] != nil, "\(ref.0)")
            }
            // The Call schema lists exactly the fields the API writes.
            let call = try #require((components["schemas"]?["Call"] as? [String: Any])?["properties"] as? [String: Any])
            #expect(Set(call.keys) == Set(APICall.Key.allCases.map(\.rawValue)))
        }
    }
}
