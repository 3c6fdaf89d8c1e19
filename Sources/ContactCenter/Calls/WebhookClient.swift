import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Makes the flow's webhook attempts. The flow machine owns the per-attempt timeout and the
/// retries; the client only reports what one POST came back with.
public protocol WebhookClient: Sendable {
    func post(_ request: WebhookRequest) async -> WebhookResult
}

/// Webhook attempts over HTTP with AsyncHTTPClient. Its own deadline is a backstop well past
/// any flow's timeout, so an attempt the flow has given up on still ends.
public struct HTTPWebhookClient: WebhookClient {
    public let client: HTTPClient
    public var backstop: TimeAmount

    public init(client: HTTPClient = .shared, backstop: TimeAmount = .seconds(30)) {
        self.client = client
        self.backstop = backstop
    }

    public func post(_ request: WebhookRequest) async -> WebhookResult {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        for (name, value) in request.headers { http.headers.replaceOrAdd(name: name, value: value) }
        http.body = .bytes(request.body)
        do {
            let response = try await client.execute(http, timeout: backstop)
            let body = try await response.body.collect(upTo: 64 * 1024)
            return .response(status: Int(response.status.code), body: Array(buffer: body))
        } catch {
            return .failed(String(describing: error))
        }
    }
}
