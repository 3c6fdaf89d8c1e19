/// The staffing of one interval of a forecast.
public struct IntervalStaffing: Hashable, Sendable, Codable {
    public var start: String
    public var calls: Double
    /// Average handle time in seconds.
    public var averageHandleTime: Double
    /// Agents, staff and queue performance from Erlang C.
    public var requirement: AgentRequirement
    /// Trunk channels from Erlang B for the calls' holding time, when a blocking target is set.
    public var channels: Int?
}

/// A forecast staffed interval by interval, with the peak and the totals.
public struct StaffingPlan: Hashable, Sendable, Codable {
    public var intervalSeconds: Double
    public var goal: StaffingGoal
    /// The trunk blocking target used for channels, if any.
    public var blocking: Double?
    public var intervals: [IntervalStaffing]

    /// The interval needing the most agents (the first such one).
    public var peak: IntervalStaffing? {
        var best: IntervalStaffing?
        for interval in intervals where interval.requirement.agents > (best?.requirement.agents ?? -1) {
            best = interval
        }
        return best
    }

    /// The most channels any interval needs.
    public var peakChannels: Int? { intervals.compactMap(\.channels).max() }

    /// Agent-hours on the phones over the profile.
    public var agentHours: Double {
        intervals.reduce(0) { $0 + Double($1.requirement.agents) } * intervalSeconds / 3600
    }

    /// Scheduled staff-hours (after shrinkage) over the profile.
    public var staffHours: Double {
        intervals.reduce(0) { $0 + Double($1.requirement.staff) } * intervalSeconds / 3600
    }

    public var totalCalls: Double { intervals.reduce(0) { $0 + $1.calls } }

    /// The share of all calls answered within the target, weighted by calls.
    public var overallServiceLevel: Double {
        let calls = totalCalls
        guard calls > 0 else { return 1 }
        return intervals.reduce(0) { $0 + $1.calls * $1.requirement.serviceLevel } / calls
    }
}

/// Staffs every interval of a forecast against one goal.
public struct StaffingPlanner: Sendable {
    public var goal: StaffingGoal
    /// Trunk blocking target for channel sizing per interval, if any.
    public var blocking: Double?
    /// Seconds a call holds a trunk before queueing (IVR time), added to AHT and wait for channels.
    public var ivrSeconds: Double

    public init(goal: StaffingGoal, blocking: Double? = nil, ivrSeconds: Double = 0) throws {
        if let blocking { try Check.probability(blocking, name: "blocking target") }
        try Check.nonNegative(ivrSeconds, name: "IVR seconds")
        self.goal = goal
        self.blocking = blocking
        self.ivrSeconds = ivrSeconds
    }

    public func plan(_ forecast: Forecast) throws -> StaffingPlan {
        var result: [IntervalStaffing] = []
        result.reserveCapacity(forecast.intervals.count)
        for interval in forecast.intervals {
            let aht = interval.averageHandleTime > 0 ? interval.averageHandleTime : 1
            let requirement = try AgentSearch.agents(
                calls: interval.calls, interval: forecast.intervalSeconds, averageHandleTime: aht, goal: goal)
            var channels: Int?
            if let blocking {
                let holding = interval.averageHandleTime + requirement.averageSpeedOfAnswer + ivrSeconds
                channels = try ErlangB.channels(traffic: interval.calls * holding / forecast.intervalSeconds, blocking: blocking)
            }
            result.append(IntervalStaffing(
                start: interval.start, calls: interval.calls, averageHandleTime: interval.averageHandleTime,
                requirement: requirement, channels: channels))
        }
        return StaffingPlan(intervalSeconds: forecast.intervalSeconds, goal: goal, blocking: blocking, intervals: result)
    }
}
