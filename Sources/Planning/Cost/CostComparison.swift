/// The three cost groups of a 95 hotline.
public enum CostGroup: String, Hashable, Sendable, Codable, CaseIterable {
    case compliance, technology, operations

    public var title: String {
        switch self {
        case .compliance: "Compliance"
        case .technology: "Technology"
        case .operations: "Operations"
        }
    }
}

/// One line of the comparison: its annual cost on each setup and how it was reached.
public struct CostLine: Hashable, Sendable, Codable {
    public var group: CostGroup
    /// A stable key, e.g. `trunks`.
    public var key: String
    public var title: String
    /// Annual cost per setup.
    public var annual: PerSetup<Double>
    /// The arithmetic behind each figure, e.g. `20 SIP channels × 200 × 12`.
    public var basis: PerSetup<String>

    public var saving: Double { annual.baseline - annual.hotline }
}

/// The capacity behind the costs.
public struct Sizing: Hashable, Sendable, Codable {
    /// Calls offered in the busiest hour (or peak interval scaled to an hour).
    public var busyHourCalls: Double?
    /// Trunk traffic at the busy hour in erlangs (IVR + wait + handle time).
    public var trunkErlangs: Double?
    /// Channels from Erlang B at the blocking target.
    public var channels: Int?
    public var blocking: Double?
    /// Agents and queue performance from Erlang C at the busy hour or peak interval.
    public var agents: AgentRequirement?
    public var goal: StaffingGoal?
    /// Calls a year.
    public var annualCalls: Double?
    /// Talk minutes a year.
    public var annualTalkMinutes: Double?
    /// QA reviewers per setup.
    public var qaReviewers: PerSetup<Int>?
    /// Seats used for seat and training costs.
    public var seats: Int?
}

/// A scenario priced on both setups.
public struct CostComparison: Hashable, Sendable, Codable {
    public var scenario: String
    public var description: String?
    public var currency: String
    public var sizing: Sizing
    public var lines: [CostLine]
    public var published: Scenario.PublishedFigures?

    /// Annual total per setup.
    public var total: PerSetup<Double> {
        PerSetup(baseline: lines.reduce(0) { $0 + $1.annual.baseline },
                 hotline: lines.reduce(0) { $0 + $1.annual.hotline })
    }

    /// Annual total of a group per setup.
    public func total(_ group: CostGroup) -> PerSetup<Double> {
        let members = lines.filter { $0.group == group }
        return PerSetup(baseline: members.reduce(0) { $0 + $1.annual.baseline },
                        hotline: members.reduce(0) { $0 + $1.annual.hotline })
    }

    /// Groups that have at least one line, in order.
    public var groups: [CostGroup] { CostGroup.allCases.filter { g in lines.contains { $0.group == g } } }

    public var saving: Double { total.baseline - total.hotline }

    /// The saving as a share of the baseline (0 when the baseline is 0).
    public var savingShare: Double { total.baseline > 0 ? saving / total.baseline : 0 }

    /// Whether the published totals, where given, are reproduced to the yuan.
    public var reproducesPublished: Bool? {
        guard let published else { return nil }
        var ok = true
        if let b = published.baseline { ok = ok && abs(b - total.baseline) < 0.5 }
        if let h = published.hotline { ok = ok && abs(h - total.hotline) < 0.5 }
        if let s = published.saving { ok = ok && abs(s - saving) < 0.5 }
        return ok
    }
}
