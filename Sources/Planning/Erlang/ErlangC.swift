import Foundation

/// An M/M/N queue described by the Erlang C formula: `agents` agents serving
/// `traffic` erlangs with calls of mean handle time `averageHandleTime` seconds.
///
/// The probability of waiting is derived from Erlang B,
/// C = N·B / (N − A·(1 − B)), so it inherits the recursion's stability.
public struct ErlangC: Hashable, Sendable, Codable {
    /// Agents answering calls (N).
    public let agents: Int
    /// Offered traffic in erlangs (A = calls × AHT / interval).
    public let traffic: Double
    /// Average handle time in seconds.
    public let averageHandleTime: Double
    /// The probability that a call waits at all.
    public let probabilityOfWaiting: Double

    /// Builds the queue; throws unless N > A, A ≥ 0 and AHT > 0.
    public init(agents: Int, traffic: Double, averageHandleTime: Double) throws {
        try Check.traffic(traffic)
        try Check.positive(averageHandleTime, name: "average handle time (seconds)")
        try Check.servers(agents, name: "agents")
        guard Double(agents) > traffic else {
            throw PlanningError.unstableQueue(agents: agents, traffic: traffic)
        }
        let b = ErlangB.unchecked(channels: agents, traffic: traffic)
        self.init(agents: agents, traffic: traffic, averageHandleTime: averageHandleTime, erlangB: b)
    }

    /// Builds the queue from `calls` arriving in `interval` seconds.
    public init(agents: Int, calls: Double, interval: Double, averageHandleTime: Double) throws {
        try Check.nonNegative(calls, name: "calls")
        try Check.positive(interval, name: "interval (seconds)")
        try Check.positive(averageHandleTime, name: "average handle time (seconds)")
        try self.init(agents: agents, traffic: calls * averageHandleTime / interval, averageHandleTime: averageHandleTime)
    }

    /// Internal: with Erlang B already known for these N and A (N > A checked by the caller).
    init(agents: Int, traffic: Double, averageHandleTime: Double, erlangB b: Double) {
        self.agents = agents
        self.traffic = traffic
        self.averageHandleTime = averageHandleTime
        let n = Double(agents)
        self.probabilityOfWaiting = traffic == 0 ? 0 : min(1, n * b / (n - traffic * (1 - b)))
    }

    /// The share of calls answered within `seconds`: 1 − C·e^(−(N−A)·t/AHT).
    public func serviceLevel(within seconds: Double) -> Double {
        let exponent = -(Double(agents) - traffic) * max(0, seconds) / averageHandleTime
        return 1 - probabilityOfWaiting * exp(exponent)
    }

    /// The average speed of answer over all calls, in seconds: C·AHT / (N − A).
    public var averageSpeedOfAnswer: Double {
        probabilityOfWaiting * averageHandleTime / (Double(agents) - traffic)
    }

    /// The share of agent time spent handling calls: A / N.
    public var occupancy: Double {
        traffic / Double(agents)
    }

    /// The share of calls answered immediately: 1 − C.
    public var immediateAnswer: Double { 1 - probabilityOfWaiting }
}
