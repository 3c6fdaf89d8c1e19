/// A whole, validated hotline configuration: what `hotline serve` runs.
///
/// Load one with ``ConfigurationLoader``; every reference in it has been checked (flows, queues,
/// agents, lists and steps named exist; numbers do not overlap; prompt files exist), so code that
/// runs calls can look names up without handling missing ones except for runtime inputs (a CRM's answer).
public struct HotlineConfiguration: Sendable, Equatable {
    public var hotline: HotlineSettings
    public var trunks: [Trunk]
    public var numbers: NumberPlan
    public var agents: [Agent]
    public var queues: [Queue]
    public var flows: [Flow]
    /// Named number lists, by name.
    public var lists: [String: NumberList]
    /// Named prompts, by name (steps hold their prompts resolved already).
    public var prompts: [String: ConfiguredPrompt]
    public var store: StoreConfiguration
    /// API bearer tokens.
    public var api: ApiSettings
    /// Quality inspection of recordings in the server.
    public var quality: QualitySettings
    /// Every file read, the main file first.
    public var files: [String]

    public init(hotline: HotlineSettings, trunks: [Trunk] = [], numbers: NumberPlan = .init(), agents: [Agent] = [],
                queues: [Queue] = [], flows: [Flow] = [], lists: [String: NumberList] = [:],
                prompts: [String: ConfiguredPrompt] = [:], store: StoreConfiguration = .default, api: ApiSettings = .init(),
                quality: QualitySettings = .init(), files: [String] = []) {
        self.hotline = hotline
        self.trunks = trunks
        self.numbers = numbers
        self.agents = agents
        self.queues = queues
        self.flows = flows
        self.lists = lists
        self.prompts = prompts
        self.store = store
        self.api = api
        self.quality = quality
        self.files = files
    }

    /// The flow called `name`.
    public func flow(named name: String) -> Flow? { flows.first { $0.name == name } }
    /// The queue called `name`.
    public func queue(named name: String) -> Queue? { queues.first { $0.name == name } }
    /// The trunk called `name`.
    public func trunk(named name: String) -> Trunk? { trunks.first { $0.name == name } }
    /// The agent whose extension is `digits`.
    public func agent(extension digits: String) -> Agent? { agents.first { $0.extension == digits } }

    /// The trunk a call from `address` arrives on: the first whose allow-list admits it, or `nil` (answer 403).
    public func trunk(admitting address: String) -> Trunk? {
        trunks.first { $0.admits(address) }
    }

    /// Trunks for an outbound call, in the order to try them: by priority, then by weight (heaviest first).
    /// Callers wanting weighted random spreading pick within each priority group themselves.
    public var outboundTrunks: [Trunk] {
        trunks.filter { $0.proxy != nil }.sorted {
            ($0.outbound.priority, -$0.outbound.weight) < ($1.outbound.priority, -$1.outbound.weight)
        }
    }

    /// Every extension a caller can dial: the agents' and those of the extension plan.
    public var extensionCount: Int {
        agents.count + numbers.extensions.reduce(0) { $0 + $1.numbers.count }
    }

    /// One line describing what the configuration holds, printed by `hotline check-config`.
    public var summary: String {
        func count(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
            "\(n) \(n == 1 ? word : plural ?? word + "s")"
        }
        let virtualNumbers = numbers.virtual.reduce(0) { $0 + $1.numbers.count }
        let steps = flows.reduce(0) { $0 + $1.steps.count }
        let store: String
        switch self.store {
        case .sqlite(let path): store = "SQLite \(path)"
        case .postgres: store = "PostgreSQL"
        }
        return [
            "hotline \(hotline.numbers.joined(separator: ", ")) (\(hotline.name))",
            count(trunks.count, "trunk"),
            count(numbers.inbound.reduce(0) { $0 + $1.numbers.count }, "inbound number"),
            count(extensionCount, "extension"),
            count(virtualNumbers, "virtual number"),
            count(agents.count, "agent"),
            count(queues.count, "queue"),
            count(flows.count, "flow") + " (\(count(steps, "step")))",
            count(prompts.count, "prompt"),
            "store: \(store)",
        ].joined(separator: ", ")
    }
}
