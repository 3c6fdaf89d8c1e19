import Logging
import NIOConcurrencyHelpers

/// Reloads the configuration of a running node (on SIGHUP or by API) without dropping calls:
/// the new file is read and checked as a whole first; a file with any error is refused and the
/// running configuration stays. An accepted one applies to calls that start from then on, and
/// agents' passwords change at once. Calls in progress finish with the flows they started with.
public final class ConfigurationReloader: Sendable {
    /// What a reload did.
    public enum Outcome: Sendable, Equatable {
        /// The new configuration runs; `summary` is its one-line description.
        case applied(summary: String)
        /// The file was refused, with its diagnostics (`file:line:column: message`).
        case refused(diagnostics: [String])
    }

    private let load: @Sendable () throws(ConfigurationError) -> HotlineConfiguration
    private let center: CallCenter
    private let logger: Logger
    private let lock = NIOLock()

    /// - Parameter load: reads and checks the configuration file again.
    public init(center: CallCenter, logger: Logger, load: @escaping @Sendable () throws(ConfigurationError) -> HotlineConfiguration) {
        self.center = center
        self.logger = logger
        self.load = load
    }

    /// Reads the file again and applies it when it is valid. Reloads run one at a time.
    public func reload() async -> Outcome {
        let load = self.load
        let loaded: Result<HotlineConfiguration, ConfigurationError> = lock.withLock {
            Result { () throws(ConfigurationError) -> HotlineConfiguration in try load() }
        }
        switch loaded {
        case .failure(let error):
            let diagnostics = error.diagnostics.map(\.description)
            logger.error("configuration refused; the running one stays", metadata: ["errors": "\(diagnostics.count)"])
            for line in diagnostics { logger.error("\(line)") }
            return .refused(diagnostics: diagnostics)
        case .success(let configuration):
            let center = self.center
            let passwords = Dictionary(configuration.agents.map { ($0.extension, $0.password) }, uniquingKeysWith: { a, _ in a })
            try? await center.eventLoop.submit {
                center.reload(configuration)
                center.endpoint.registrar.setPasswords(passwords)
            }.get()
            logger.notice("configuration reloaded", metadata: ["summary": "\(configuration.summary)"])
            return .applied(summary: configuration.summary)
        }
    }
}
