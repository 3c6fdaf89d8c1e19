import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Testing

@testable import API

let fullToken = "full-token-0123456789abcdef"
let maskedToken = "masked-token-0123456789abcdef"
let tokens = APITokens([.init(fullToken, role: .full), .init(maskedToken, role: .masked)])

/// A router with the call routes (and `/healthz`) over a temporary SQLite store holding
/// `records`; the store is also the inspection queue, as in the server.
func withAPIStore(
    _ records: [CallRecord] = [], csvPageSize: Int = 1000,
    _ body: @Sendable (SQLStore, any TestClientProtocol) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-api-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var logger = Logger(label: "api-tests")
    logger.logLevel = .warning
    let store = try await SQLStore.sqlite(path: directory.appendingPathComponent("hotline.sqlite").path, logger: logger)
    try await store.migrate()
    for record in records { try await store.callEnded(record) }
    let router = Router()
    router.get("healthz") { _, _ in "ok" }
    addCallRoutes(to: router, store: store, tokens: { tokens }, csvPageSize: csvPageSize)
    let app = Application(router: router, logger: logger)
    do {
        try await app.test(.router) { client in try await body(store, client) }
    } catch {
        try? await store.shutdown()
        throw error
    }
    try await store.shutdown()
}

func get(_ client: any TestClientProtocol, _ uri: String, token: String? = fullToken) async throws -> TestResponse {
    var headers: HTTPFields = [:]
    if let token { headers[.authorization] = "Bearer \(token)" }
    return try await client.execute(uri: uri, method: .get, headers: headers)
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}
