import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SIP
import Storage

/// Adds the call-record routes under `/api/v1` to `router`:
///
/// - `GET /api/v1/calls`: JSON, newest first; filters `from`, `to` (ISO 8601),
///   `number` (substring of the caller's or dialled number), `trunk`,
///   `disposition`; paging `limit` (1…1000, default 50) and `cursor` or `offset`.
/// - `GET /api/v1/calls/{id}`: one call.
/// - `GET /api/v1/calls/{id}/inspection`: the call's quality inspection (status, score,
///   findings), when `store` is also an ``InspectionQueue``.
/// - `GET /api/v1/calls.csv`: the same filters as RFC 4180 CSV (UTF-8, header row).
/// - `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of these routes.
///
/// Every route needs `Authorization: Bearer <token>`; phone numbers are masked
/// unless the token's role is `full`.
public func addCallRoutes<Context: RequestContext>(to router: Router<Context>, store: any CallStore, tokens: APITokens) {
    addCallRoutes(to: router, store: store, tokens: { tokens })
}

/// As ``addCallRoutes(to:store:tokens:)-(_,_,APITokens)``, with the tokens read at
/// every request (so a configuration reload can change them).
public func addCallRoutes<Context: RequestContext>(
    to router: Router<Context>, store: any CallStore, tokens: @escaping @Sendable () -> APITokens
) {
    addCallRoutes(to: router, store: store, tokens: tokens, csvPageSize: CallQuery.maximumLimit)
}

func addCallRoutes<Context: RequestContext>(
    to router: Router<Context>, store: any CallStore, tokens: @escaping @Sendable () -> APITokens, csvPageSize: Int
) {
    let api = CallAPI(store: store, tokens: tokens, csvPageSize: csvPageSize)
    let group = router.group("api/v1")
    group.get("calls") { request, _ in try await api.list(request) }
    group.get("calls.csv") { request, _ in try await api.csv(request) }
    group.get("calls/{id}") { request, context in
        try await api.call(request, id: context.parameters.get("id") ?? "")
    }
    if let queue = store as? any InspectionQueue {
        let inspections = InspectionAPI(queue: queue, tokens: tokens)
        group.get("calls/{id}/inspection") { request, context in
            try await inspections.inspection(request, id: context.parameters.get("id") ?? "")
        }
    }
    group.get("openapi.json") { request, _ in
        _ = try api.authorize(request)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
}

/// The realm named in `WWW-Authenticate`.
let bearerRealm = "hotline"

/// The role of `request`'s bearer token among `tokens`; throws 401 (with `WWW-Authenticate`)
/// when it carries none that is valid. Every authenticated route uses it.
public func authorizeBearer(_ request: Request, tokens: APITokens) throws -> APITokens.Role {
    guard let header = request.headers[.authorization] else {
        throw HTTPError(
            .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"\(bearerRealm)\""],
            message: "this API needs an 'Authorization: Bearer <token>' header")
    }
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer",
        let role = tokens.role(forBearer: parts[1].trimmingCharacters(in: .whitespaces))
    else {
        throw HTTPError(
            .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"\(bearerRealm)\", error=\"invalid_token\""],
            message: "invalid bearer token")
    }
    return role
}

/// The handlers, independent of the request context type.
struct CallAPI: Sendable {
    let store: any CallStore
    let tokens: @Sendable () -> APITokens
    /// Calls read from the store at a time while writing CSV.
    var csvPageSize = CallQuery.maximumLimit

    static let realm = "hotline"

    /// The role of the request's bearer token; 401 with `WWW-Authenticate` when it has none that is valid.
    func authorize(_ request: Request) throws -> APITokens.Role {
        try authorizeBearer(request, tokens: tokens())
    }

    func list(_ request: Request) async throws -> Response {
        let role = try authorize(request)
        let query = try Self.query(from: request, defaultLimit: CallQuery.defaultLimit)
        let page = try await page(query)
        let body = CallList(
            calls: page.calls.map { APICall($0, role: role) }, total: page.total, limit: query.effectiveLimit,
            offset: query.cursor == nil ? query.offset : nil, cursor: query.cursor,
            nextCursor: page.nextCursor, nextOffset: page.nextOffset)
        return try Self.json(body)
    }

    func call(_ request: Request, id: String) async throws -> Response {
        let role = try authorize(request)
        guard let uuid = UUID(uuidString: id), let record = try await store.call(id: uuid) else {
            throw HTTPError(.notFound, message: "no call \(id)")
        }
        return try Self.json(APICall(record, role: role))
    }

    /// The whole filtered list (or `limit` rows), written a page at a time.
    func csv(_ request: Request) async throws -> Response {
        let role = try authorize(request)
        let requestedLimit = try Self.integer(request, "limit", minimum: 1)
        var query = try Self.query(from: request, defaultLimit: csvPageSize)
        query.limit = min(requestedLimit ?? .max, csvPageSize)
        let bom = request.uri.queryParameters.get("bom").map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        // The first page is read before answering, so a bad filter is a 400, not a cut-off file.
        let first = try await page(query)
        let store = self.store, pageSize = csvPageSize, firstQuery = query
        let body = ResponseBody { writer in
            var remaining = requestedLimit ?? .max
            var page = first
            var query = firstQuery
            var text = (bom ? "\u{FEFF}" : "") + CallCSV.header
            while true {
                for record in page.calls.prefix(remaining) { text += CallCSV.row(record, role: role) }
                remaining -= min(remaining, page.calls.count)
                try await writer.write(ByteBuffer(string: text))
                text = ""
                guard remaining > 0, let cursor = page.nextCursor else { break }
                query.cursor = cursor
                query.limit = min(remaining, pageSize)
                page = try await store.calls(matching: query)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present",
                .contentDisposition: "attachment; filename=\"calls.csv\"",
            ],
            body: body)
    }

    private func page(_ query: CallQuery) async throws -> CallPage {
        do {
            return try await store.calls(matching: query)
        } catch StoreError.invalidCursor {
            throw HTTPError(.badRequest, message: "invalid cursor: pass the nextCursor of a previous page")
        }
    }

    // MARK: query parameters

    static func query(from request: Request, defaultLimit: Int) throws -> CallQuery {
        let parameters = request.uri.queryParameters
        var query = CallQuery(limit: defaultLimit)
        query.from = try date(request, "from")
        query.to = try date(request, "to")
        query.number = parameters.get("number").flatMap { $0.isEmpty ? nil : $0 }
        query.trunk = parameters.get("trunk").flatMap { $0.isEmpty ? nil : $0 }
        if let text = parameters.get("disposition"), !text.isEmpty {
            guard let disposition = CallDisposition(rawValue: text) else {
                let names = CallDisposition.allCases.map(\.rawValue).joined(separator: ", ")
                throw HTTPError(.badRequest, message: "unknown disposition '\(text)': expected one of \(names)")
            }
            query.disposition = disposition
        }
        if let limit = try integer(request, "limit", minimum: 1) { query.limit = min(limit, CallQuery.maximumLimit) }
        if let offset = try integer(request, "offset", minimum: 0) { query.offset = offset }
        query.cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        if let from = query.from, let to = query.to, from > to {
            throw HTTPError(.badRequest, message: "'from' is after 'to'")
        }
        return query
    }

    static func integer(_ request: Request, _ name: String, minimum: Int) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw HTTPError(.badRequest, message: "'\(name)' must be an integer of at least \(minimum), not '\(text)'")
        }
        return value
    }

    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let raw = request.uri.queryParameters.get(name), !raw.isEmpty else { return nil }
        // A '+' of a time zone offset arrives as a space when the client did not percent-encode it.
        let text = raw.replacingOccurrences(of: " ", with: "+")
        guard let date = ISO8601.parse(text) else {
            throw HTTPError(.badRequest, message: "'\(name)' must be an ISO 8601 date and time such as 2025-10-09T08:00:00+08:00, not '\(raw)'")
        }
        return date
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}

/// ISO 8601 times as the API writes (UTC, milliseconds) and reads them.
enum ISO8601 {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

/// What a token's holder sees of a number.
func visible(_ number: String, role: APITokens.Role) -> String {
    role.seesFullNumbers ? number : PhoneNumberMask.mask(number)
}

/// A call as the API writes it: every field present (null when unknown), times in
/// ISO 8601, the caller's number (and digits entered, which may be an account or
/// phone number) masked for roles that do not see numbers in full.
struct APICall: Encodable {
    let record: CallRecord
    let role: APITokens.Role

    init(_ record: CallRecord, role: APITokens.Role) {
        self.record = record
        self.role = role
    }

    enum Key: String, CodingKey, CaseIterable {
        case id, sipCallID, startedAt, answeredAt, endedAt, caller, callerDomain, dialled, trunk, disposition, steps
        case digits, variables, queue, agent, waitSeconds, talkSeconds, hangupBy, hangupCause, sipStatus
        case callerMedia, agentMedia, recording, cost
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(record.id.uuidString.lowercased(), forKey: .id)
        try c.encode(record.sipCallID, forKey: .sipCallID)
        try c.encode(ISO8601.format(record.startedAt), forKey: .startedAt)
        try c.encode(record.answeredAt.map(ISO8601.format), forKey: .answeredAt)
        try c.encode(record.endedAt.map(ISO8601.format), forKey: .endedAt)
        try c.encode(visible(record.caller, role: role), forKey: .caller)
        try c.encode(record.callerDomain, forKey: .callerDomain)
        try c.encode(record.dialled, forKey: .dialled)
        try c.encode(record.trunk, forKey: .trunk)
        try c.encode(record.disposition, forKey: .disposition)
        try c.encode(record.steps, forKey: .steps)
        try c.encode(visible(record.digits, role: role), forKey: .digits)
        try c.encode(record.variables, forKey: .variables)
        try c.encode(record.queue, forKey: .queue)
        try c.encode(record.agent, forKey: .agent)
        try c.encode(record.waitSeconds, forKey: .waitSeconds)
        try c.encode(record.talkSeconds, forKey: .talkSeconds)
        try c.encode(record.hangupBy, forKey: .hangupBy)
        try c.encode(record.hangupCause, forKey: .hangupCause)
        try c.encode(record.sipStatus, forKey: .sipStatus)
        try c.encode(record.callerMedia, forKey: .callerMedia)
        try c.encode(record.agentMedia, forKey: .agentMedia)
        try c.encode(record.recording, forKey: .recording)
        try c.encode(record.cost, forKey: .cost)
    }
}

/// The answer of `GET /api/v1/calls`.
struct CallList: Encodable {
    let calls: [APICall]
    let total: Int
    let limit: Int
    let offset: Int?
    let cursor: String?
    let nextCursor: String?
    let nextOffset: Int?

    enum Key: String, CodingKey { case calls, total, limit, offset, cursor, nextCursor, nextOffset }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(calls, forKey: .calls)
        try c.encode(total, forKey: .total)
        try c.encode(limit, forKey: .limit)
        try c.encode(offset, forKey: .offset)
        try c.encode(cursor, forKey: .cursor)
        try c.encode(nextCursor, forKey: .nextCursor)
        try c.encode(nextOffset, forKey: .nextOffset)
    }
}
