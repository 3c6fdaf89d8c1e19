import Foundation
import Logging
import SIP
import ServiceLifecycle

/// Keeps the registrar's bindings on disk so agents stay reachable across a
/// restart: a JSON file in the data directory, rewritten atomically (write
/// then rename) at most every `interval` when the bindings changed, and
/// once more at shutdown. Bindings that lapse meanwhile are dropped on load.
struct RegistrationPersistence: Service {
    let endpoint: SIPEndpoint
    let url: URL
    let interval: Duration
    let logger: Logger

    init(endpoint: SIPEndpoint, dataDirectory: String, interval: Duration = .seconds(2), logger: Logger) {
        self.endpoint = endpoint
        self.url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("registrations.json")
        self.interval = interval
        self.logger = logger
    }

    /// Loads saved bindings into the registrar (before the transports start).
    func load() async throws {
        guard let data = try? Data(contentsOf: url) else { return }
        let saved: [String: [Registrar.Binding]]
        do {
            saved = try JSONDecoder().decode([String: [Registrar.Binding]].self, from: data)
        } catch {
            logger.warning("ignoring unreadable registrations file", metadata: ["file": "\(url.path)", "error": "\(error)"])
            return
        }
        let count = try await endpoint.eventLoop.submit {
            endpoint.registrar.restore(saved, now: endpoint.now())
            return endpoint.registrar.registeredUsers(now: endpoint.now()).count
        }.get()
        logger.info("restored registrations", metadata: ["extensions": "\(count)"])
    }

    /// Saves every `interval` while running and once at shutdown. A failed
    /// save is logged and retried at the next tick; it never stops the node.
    func run() async throws {
        var saved: UInt64 = 0
        while !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            saved = await saveLoggingErrors(since: saved)
        }
        _ = await saveLoggingErrors(since: saved &- 1)
    }

    private func saveLoggingErrors(since generation: UInt64) async -> UInt64 {
        do {
            return try await saveIfChanged(since: generation)
        } catch {
            logger.error("could not save registrations", metadata: ["file": "\(url.path)", "error": "\(error)"])
            return generation
        }
    }

    private func saveIfChanged(since generation: UInt64) async throws -> UInt64 {
        let (current, snapshot) = try await endpoint.eventLoop.submit {
            (endpoint.registrar.generation, endpoint.registrar.snapshot(now: endpoint.now()))
        }.get()
        guard current != generation else { return current }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(snapshot)
        let temp = url.appendingPathExtension("tmp")
        try data.write(to: temp)
        // rename(2) replaces the old file atomically, whether or not it exists.
        guard rename(temp.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return current
    }
}
