import Foundation

/// What an interval's staffing must achieve: a service level, an average speed of
/// answer, a ceiling on occupancy, and the shrinkage that turns agents into staff.
public struct StaffingGoal: Hashable, Sendable, Codable {
    /// e.g. 80% answered in 20 s; `nil` to not constrain the service level.
    public var serviceLevel: ServiceLevelTarget?
    /// The longest acceptable average speed of answer in seconds, if any.
    public var maximumAverageSpeedOfAnswer: Double?
    /// The highest acceptable occupancy (A/N) from 0 to 1, if any.
    public var maximumOccupancy: Double?
    /// The share of paid time agents are not available to take calls (breaks, training, absence), 0 ≤ s < 1.
    public var shrinkage: Double

    public init(
        serviceLevel: ServiceLevelTarget? = nil,
        maximumAverageSpeedOfAnswer: Double? = nil,
        maximumOccupancy: Double? = nil,
        shrinkage: Double = 0
    ) throws {
        if let asa = maximumAverageSpeedOfAnswer {
            try Check.nonNegative(asa, name: "ASA target (seconds)")
        }
        if let occupancy = maximumOccupancy {
            guard occupancy.isFinite, occupancy > 0, occupancy <= 1 else {
                throw PlanningError.outOfRange(name: "maximum occupancy", value: occupancy, expected: "more than 0 and at most 1 (100%)")
            }
        }
        guard shrinkage.isFinite, shrinkage >= 0, shrinkage < 1 else {
            throw PlanningError.outOfRange(name: "shrinkage", value: shrinkage, expected: "from 0 up to but not including 1 (e.g. 0.3 for 30%)")
        }
        self.serviceLevel = serviceLevel
        self.maximumAverageSpeedOfAnswer = maximumAverageSpeedOfAnswer
        self.maximumOccupancy = maximumOccupancy
        self.shrinkage = shrinkage
    }

    /// Staff to schedule for `agents` agents on the phones: ⌈N / (1 − shrinkage)⌉.
    public func staff(forAgents agents: Int) -> Int {
        guard agents > 0 else { return 0 }
        let exact = Double(agents) / (1 - shrinkage)
        // 14 / 0.7 is 20.000000000000004 in binary floating point: round that away.
        return Int((exact - 1e-9).rounded(.up))
    }
}

/// The agents an interval needs and how the queue performs with them.
public struct AgentRequirement: Hashable, Sendable, Codable {
    /// Offered traffic in erlangs.
    public var traffic: Double
    /// Agents answering calls.
    public var agents: Int
    /// Staff to schedule after shrinkage.
    public var staff: Int
    /// Probability that a call waits.
    public var probabilityOfWaiting: Double
    /// Share answered within the goal's answer time (within 0 s when the goal has no service level).
    public var serviceLevel: Double
    /// Average speed of answer in seconds.
    public var averageSpeedOfAnswer: Double
    /// A / N.
    public var occupancy: Double
}

/// Finds the fewest agents that meet a ``StaffingGoal``.
public enum AgentSearch {
    /// The fewest agents for `traffic` erlangs with calls of `averageHandleTime` seconds.
    ///
    /// Starts at ⌊A⌋ + 1 (the least stable queue) and steps N up, carrying Erlang B
    /// forward one step at a time, so a search costs O(N) in all.
    public static func agents(
        traffic: Double, averageHandleTime: Double, goal: StaffingGoal
    ) throws -> AgentRequirement {
        try Check.traffic(traffic)
        try Check.positive(averageHandleTime, name: "average handle time (seconds)")
        guard traffic > 0 else {
            return AgentRequirement(traffic: 0, agents: 0, staff: 0, probabilityOfWaiting: 0,
                                    serviceLevel: 1, averageSpeedOfAnswer: 0, occupancy: 0)
        }
        var n = Int(traffic.rounded(.down)) + 1
        guard n <= ErlangB.maximumServers else {
            throw PlanningError.targetUnreachable("\(traffic) erlangs need more than \(ErlangB.maximumServers) agents")
        }
        var b = ErlangB.unchecked(channels: n, traffic: traffic)
        let answerTime = goal.serviceLevel?.seconds ?? 0
        while true {
            let queue = ErlangC(agents: n, traffic: traffic, averageHandleTime: averageHandleTime, erlangB: b)
            let level = queue.serviceLevel(within: answerTime)
            let asa = queue.averageSpeedOfAnswer
            let occupancy = queue.occupancy
            let meets = (goal.serviceLevel.map { level >= $0.fraction } ?? true)
                && (goal.maximumAverageSpeedOfAnswer.map { asa <= $0 } ?? true)
                && (goal.maximumOccupancy.map { occupancy <= $0 + 1e-12 } ?? true)
            if meets {
                return AgentRequirement(
                    traffic: traffic, agents: n, staff: goal.staff(forAgents: n),
                    probabilityOfWaiting: queue.probabilityOfWaiting, serviceLevel: level,
                    averageSpeedOfAnswer: asa, occupancy: occupancy)
            }
            n += 1
            guard n <= ErlangB.maximumServers else {
                throw PlanningError.targetUnreachable("no staffing up to \(ErlangB.maximumServers) agents meets the goal for \(traffic) erlangs")
            }
            b = traffic * b / (Double(n) + traffic * b)
        }
    }

    /// The fewest agents for `calls` arriving in `interval` seconds.
    public static func agents(
        calls: Double, interval: Double, averageHandleTime: Double, goal: StaffingGoal
    ) throws -> AgentRequirement {
        try Check.nonNegative(calls, name: "calls")
        try Check.positive(interval, name: "interval (seconds)")
        try Check.positive(averageHandleTime, name: "average handle time (seconds)")
        return try agents(traffic: calls * averageHandleTime / interval, averageHandleTime: averageHandleTime, goal: goal)
    }
}
