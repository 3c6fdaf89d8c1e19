/// An agent: a person at a softphone registered with an extension.
public struct Agent: Sendable, Equatable {
    /// The extension (3 or 4 digits) the agent registers as and callers can dial.
    public var `extension`: String
    public var name: String
    /// The SIP digest password of the extension.
    public var password: String
    public var skills: [String]
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(extension: String, name: String, password: String, skills: [String] = [], location: SourceLocation) {
        self.extension = `extension`
        self.name = name
        self.password = password
        self.skills = skills
        self.location = location
    }
}

/// How a queue picks the agent for the next caller.
public enum QueueStrategy: String, Sendable, CaseIterable {
    /// The agent idle the longest (the fairest default).
    case longestIdle = "longest-idle"
    /// Every free agent rings at once; the first to answer takes the call.
    case ringAll = "ring-all"
    /// Agents in turn, continuing after the last one that took a call.
    case roundRobin = "round-robin"
    /// The agent who has taken the fewest calls today.
    case fewestCalls = "fewest-calls"
    case random
}

/// A queue of callers waiting for agents.
public struct Queue: Sendable, Equatable {
    public var name: String
    public var strategy: QueueStrategy
    /// Extensions of the agents named as members.
    public var agents: [String]
    /// Agents having every one of these skills are members too.
    public var skills: [String]
    /// Longest a caller waits before the queue step gives up (its overflow branch); `nil` waits for ever.
    public var maxWait: Duration?
    /// Most callers waiting at once; further callers take the overflow branch at once. `nil` for no limit.
    public var maxCallers: Int?
    /// How long one agent rings before the next is tried.
    public var ringTimeout: Duration
    /// Time after a call before the agent is offered the next one.
    public var wrapUp: Duration
    /// Played to callers while they wait (repeated); `nil` for ringback.
    public var holdPrompt: ConfiguredPrompt?
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(name: String, strategy: QueueStrategy = .longestIdle, agents: [String] = [], skills: [String] = [],
                maxWait: Duration? = nil, maxCallers: Int? = nil, ringTimeout: Duration = .seconds(15),
                wrapUp: Duration = .seconds(5), holdPrompt: ConfiguredPrompt? = nil, location: SourceLocation) {
        self.name = name
        self.strategy = strategy
        self.agents = agents
        self.skills = skills
        self.maxWait = maxWait
        self.maxCallers = maxCallers
        self.ringTimeout = ringTimeout
        self.wrapUp = wrapUp
        self.holdPrompt = holdPrompt
        self.location = location
    }

    /// The agents serving this queue: those named, then those with every required skill, each once.
    public func members(from agents: [Agent]) -> [Agent] {
        var result: [Agent] = []
        for agent in agents where self.agents.contains(agent.extension) { result.append(agent) }
        if !skills.isEmpty {
            for agent in agents where !result.contains(where: { $0.extension == agent.extension })
                && skills.allSatisfy(agent.skills.contains) {
                result.append(agent)
            }
        }
        return result
    }
}

/// A named list of phone numbers (VIP callers, blocked numbers…). An entry ending in `*` is a prefix.
public struct NumberList: Sendable, Equatable {
    public var name: String
    public var entries: [String]
    /// Where this is written in the configuration, for messages at run time.
    public var location: SourceLocation

    public init(name: String, entries: [String], location: SourceLocation) {
        self.name = name
        self.entries = entries
        self.location = location
    }

    public func contains(_ number: String) -> Bool {
        entries.contains { entry in
            entry.hasSuffix("*") ? number.hasPrefix(entry.dropLast()) : entry == number
        }
    }
}
