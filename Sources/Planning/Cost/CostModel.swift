import Foundation

/// Prices a ``Scenario`` on both setups from a ``PriceBook``: sizes channels with
/// Erlang B, agents with Erlang C and QA reviewers from coverage, then costs each line.
public struct CostModel: Sendable {
    public var prices: PriceBook

    public init(prices: PriceBook = .standard) {
        self.prices = prices
    }

    /// Compares the scenario's setups. `forecast` is the scenario's profile, already read, if it names one.
    public func compare(_ scenario: Scenario, forecast: Forecast? = nil) throws -> CostComparison {
        let sizing = try size(scenario, forecast: forecast)
        var lines: [CostLine] = []
        if let compliance = scenario.compliance { lines += complianceLines(compliance) }
        if let trunks = scenario.trunks { lines.append(try trunkLine(trunks, sizing: sizing)) }
        if let ivr = scenario.ivr { lines.append(ivrLine(ivr)) }
        if let recording = scenario.recording { lines.append(try recordingLine(recording, sizing: sizing)) }
        if let hosting = scenario.hosting { lines.append(hostingLine(hosting)) }
        if let seats = scenario.seats { lines.append(try seatLine(seats, sizing: sizing)) }
        if let qa = scenario.qa { lines.append(try qaLine(qa, sizing: sizing)) }
        if let operations = scenario.operations { lines += try operationsLines(operations, sizing: sizing) }
        return CostComparison(
            scenario: scenario.name, description: scenario.description, currency: prices.currency,
            sizing: sizing, lines: lines, published: scenario.published)
    }

    // MARK: Sizing

    func size(_ scenario: Scenario, forecast: Forecast?) throws -> Sizing {
        var sizing = Sizing()
        guard let traffic = scenario.traffic else { return sizing }
        sizing.goal = traffic.goal
        sizing.blocking = traffic.blocking
        let aht = traffic.averageHandleTime
        if let forecast {
            let planner = try StaffingPlanner(goal: traffic.goal ?? StaffingGoal(), blocking: traffic.blocking, ivrSeconds: traffic.ivrSeconds)
            let plan = try planner.plan(forecast)
            if let peak = plan.peak {
                sizing.busyHourCalls = peak.calls * 3600 / forecast.intervalSeconds
                if traffic.goal != nil { sizing.agents = peak.requirement }
            }
            sizing.channels = plan.peakChannels
            let days = Double(forecast.intervals.count) * forecast.intervalSeconds / 86_400
            if traffic.callsPerDay == nil, days > 0 {
                sizing.annualCalls = forecast.totalCalls / days * traffic.daysPerYear
            }
        } else {
            let busy = traffic.busyHourCalls ?? traffic.callsPerDay.flatMap { calls in traffic.busyHourShare.map { calls * $0 } }
            sizing.busyHourCalls = busy
            if let busy {
                var wait = 0.0
                if let goal = traffic.goal {
                    let requirement = try AgentSearch.agents(calls: busy, interval: 3600, averageHandleTime: aht, goal: goal)
                    sizing.agents = requirement
                    wait = requirement.averageSpeedOfAnswer
                }
                let erlangs = busy * (traffic.ivrSeconds + wait + aht) / 3600
                sizing.trunkErlangs = erlangs
                sizing.channels = try ErlangB.channels(traffic: erlangs, blocking: traffic.blocking)
            }
        }
        if let perDay = traffic.callsPerDay { sizing.annualCalls = perDay * traffic.daysPerYear }
        if let calls = sizing.annualCalls { sizing.annualTalkMinutes = calls * (traffic.talkSeconds ?? aht) / 60 }
        sizing.seats = scenario.seats?.count ?? sizing.agents?.staff
        if let qa = scenario.qa, let calls = sizing.annualCalls {
            sizing.qaReviewers = PerSetup(
                baseline: reviewers(qa.options.baseline, minutesPerCall: qa.reviewMinutesPerCall, annualCalls: calls),
                hotline: reviewers(qa.options.hotline, minutesPerCall: qa.reviewMinutesPerCall, annualCalls: calls))
        }
        return sizing
    }

    /// Reviewers needed to review the option's share of calls each month.
    func reviewers(_ option: Scenario.QAOption, minutesPerCall: Double, annualCalls: Double) -> Int {
        let share: Double
        switch option {
        case let .manual(coverage): share = coverage
        case let .automatic(reviewShare): share = reviewShare
        }
        let minutes = annualCalls / 12 * share * minutesPerCall
        return Int((minutes / prices.qa.reviewerMinutesPerMonth - 1e-9).rounded(.up))
    }

    // MARK: Lines

    func complianceLines(_ choice: Scenario.ComplianceChoice) -> [CostLine] {
        let c = prices.compliance
        var lines: [CostLine] = []
        if choice.licenceAndFiling {
            lines.append(same(.compliance, "licence", "Licence and filing", c.licenceAndFilingPerYear, "per year"))
        }
        if choice.annualInspection {
            lines.append(same(.compliance, "inspection", "Annual inspection", c.annualInspectionPerYear, "per year"))
        }
        if let level3 = choice.level3 {
            func cost(_ option: Scenario.Level3Option) -> (Double, String) {
                let remediation = option == .selfHosted ? c.level3RemediationSelfHostedPerYear : c.level3RemediationCloudPerYear
                let where_ = option == .selfHosted ? "own machine room" : "cloud"
                return (c.level3AssessmentPerYear + remediation,
                        "assessment \(Money.plain(c.level3AssessmentPerYear)) + remediation (\(where_)) \(Money.plain(remediation))")
            }
            lines.append(line(.compliance, "level3", "MLPS (等保) level-3 assessment", cost(level3.baseline), cost(level3.hotline)))
        }
        return lines
    }

    func trunkLine(_ trunks: PerSetup<Scenario.TrunkOption>, sizing: Sizing) throws -> CostLine {
        let t = prices.trunks
        func cost(_ option: Scenario.TrunkOption, _ setup: Setup) throws -> (Double, String) {
            func sized() throws -> Int {
                guard let channels = sizing.channels else {
                    throw PlanningError.invalidInput(source: "scenario", line: nil,
                        message: "trunks.\(setup.rawValue): give the channels or circuits, or a traffic section to size them")
                }
                return channels
            }
            switch option {
            case let .pri(circuits):
                let n = try circuits ?? Int((Double(try sized()) / Double(t.priChannelsPerCircuit)).rounded(.up))
                let basis = "\(n) PRI circuits (\(n * t.priChannelsPerCircuit) channels) × (\(Money.plain(t.priCircuitPerMonth)) + gateway \(Money.plain(t.priGatewayPerCircuitPerMonth))) × 12"
                return (Double(n) * (t.priCircuitPerMonth + t.priGatewayPerCircuitPerMonth) * 12, basis)
            case let .sip(channels):
                let n = try channels ?? sized()
                let how = channels == nil ? " (Erlang B)" : ""
                return (Double(n) * t.sipChannelPerMonth * 12, "\(n) SIP channels\(how) × \(Money.plain(t.sipChannelPerMonth)) × 12")
            }
        }
        return line(.technology, "trunks", "Trunks", try cost(trunks.baseline, .baseline), try cost(trunks.hotline, .hotline))
    }

    func ivrLine(_ ivr: Scenario.IVRChoice) -> CostLine {
        let p = prices.ivr
        let changes = ivr.flowChangesPerYear
        func cost(_ option: Scenario.IVROption) -> (Double, String) {
            switch option {
            case .hardware:
                let amortized = p.hardwarePurchase / p.hardwareAmortizationYears
                let maintenance = p.hardwarePurchase * p.hardwareMaintenanceRate
                return (amortized + maintenance + changes * p.hardwareFlowChange,
                        "hardware \(Money.plain(p.hardwarePurchase)) / \(Money.number(p.hardwareAmortizationYears)) y + maintenance \(Money.number(p.hardwareMaintenanceRate * 100))% + \(Money.number(changes)) vendor changes × \(Money.plain(p.hardwareFlowChange))")
            case .software:
                return (p.softwareNodePerMonth * 12 + changes * p.softwareFlowChange,
                        "software IVR node \(Money.plain(p.softwareNodePerMonth)) × 12 + \(Money.number(changes)) in-house changes × \(Money.plain(p.softwareFlowChange))")
            }
        }
        return line(.technology, "ivr", "IVR", cost(ivr.options.baseline), cost(ivr.options.hotline))
    }

    func recordingLine(_ recording: Scenario.RecordingChoice, sizing: Sizing) throws -> CostLine {
        guard let talk = sizing.annualTalkMinutes else {
            throw PlanningError.invalidInput(source: "scenario", line: nil, message: "recording needs traffic.calls_per_day (or a profile) to count minutes")
        }
        let minutes = talk * recording.coverage
        func cost(_ option: Scenario.RecordingOption) -> (Double, String) {
            let price = option == .appliance ? prices.recording.appliancePerMinute : prices.recording.objectStoragePerMinute
            let name = option == .appliance ? "recording appliance" : "object storage"
            return (minutes * recording.retentionYears * price,
                    "\(Money.plain(minutes.rounded())) min × \(Money.number(recording.retentionYears)) y × \(Money.number(price)) (\(name))")
        }
        return line(.technology, "recording", "Recording storage", cost(recording.options.baseline), cost(recording.options.hotline))
    }

    func hostingLine(_ hosting: PerSetup<Scenario.HostingOption>) -> CostLine {
        let h = prices.hosting
        func cost(_ option: Scenario.HostingOption) -> (Double, String) {
            switch option {
            case let .machineRoom(servers, engineers):
                let value = Double(servers) * h.serverPurchase / h.serverAmortizationYears + h.machineRoomPerMonth * 12 + engineers * h.engineerPerYear
                return (value, "\(servers) servers × \(Money.plain(h.serverPurchase)) / \(Money.number(h.serverAmortizationYears)) y + machine room \(Money.plain(h.machineRoomPerMonth)) × 12 + \(Money.number(engineers)) engineers × \(Money.plain(h.engineerPerYear))")
            case let .cloud(instances, engineers):
                let value = Double(instances) * h.cloudInstancePerMonth * 12 + engineers * h.engineerPerYear
                return (value, "\(instances) cloud instances × \(Money.plain(h.cloudInstancePerMonth)) × 12 + \(Money.number(engineers)) engineers × \(Money.plain(h.engineerPerYear))")
            }
        }
        return line(.technology, "hosting", "Servers and hosting", cost(hosting.baseline), cost(hosting.hotline))
    }

    func seatLine(_ seats: Scenario.SeatChoice, sizing: Sizing) throws -> CostLine {
        guard let count = sizing.seats else {
            throw PlanningError.invalidInput(source: "scenario", line: nil, message: "seats: give seats.count, or traffic with a service_level to size agents")
        }
        func cost(_ option: Scenario.SeatOption) -> (Double, String) {
            let price = option == .traditional ? prices.seats.traditionalPerMonth : prices.seats.softwarePerMonth
            let how = seats.count == nil ? " (Erlang C staff)" : ""
            return (Double(count) * price * 12, "\(count) \(option.rawValue) seats\(how) × \(Money.plain(price)) × 12")
        }
        return line(.operations, "seats", "Agent seats", cost(seats.options.baseline), cost(seats.options.hotline))
    }

    func qaLine(_ qa: Scenario.QAChoice, sizing: Sizing) throws -> CostLine {
        guard let reviewers = sizing.qaReviewers, let talk = sizing.annualTalkMinutes else {
            throw PlanningError.invalidInput(source: "scenario", line: nil, message: "qa needs traffic.calls_per_day (or a profile) to size reviewers")
        }
        let q = prices.qa
        func cost(_ option: Scenario.QAOption, _ people: Int) -> (Double, String) {
            let staff = Double(people) * q.reviewerPerMonth * 12
            switch option {
            case let .manual(coverage):
                return (staff, "\(people) reviewers × \(Money.plain(q.reviewerPerMonth)) × 12 (manual, \(Money.number(coverage * 100))% of calls)")
            case let .automatic(share):
                let machine = talk * q.automaticPerMinute
                return (staff + machine, "\(people) reviewers × \(Money.plain(q.reviewerPerMonth)) × 12 (100% automatic, \(Money.number(share * 100))% reviewed) + \(Money.plain(talk.rounded())) min × \(Money.number(q.automaticPerMinute))")
            }
        }
        return line(.operations, "qa", "Quality inspection", cost(qa.options.baseline, reviewers.baseline), cost(qa.options.hotline, reviewers.hotline))
    }

    func operationsLines(_ options: PerSetup<Scenario.OperationsOption>, sizing: Sizing) throws -> [CostLine] {
        func side(_ option: Scenario.OperationsOption) -> PriceBook.Operations.Side {
            option == .traditional ? prices.operations.traditional : prices.operations.hotline
        }
        let b = side(options.baseline), h = side(options.hotline)
        var lines: [CostLine] = []
        if let seats = sizing.seats {
            lines.append(line(.operations, "training", "Training",
                              (Double(seats) * b.trainingPerSeatPerYear, "\(seats) seats × \(Money.plain(b.trainingPerSeatPerYear))"),
                              (Double(seats) * h.trainingPerSeatPerYear, "\(seats) seats × \(Money.plain(h.trainingPerSeatPerYear))")))
        }
        lines.append(line(.operations, "upgrades", "Upgrades and renewals",
                          (b.upgradesPerYear, "per year"), (h.upgradesPerYear, "per year")))
        lines.append(line(.operations, "incidents", "Incidents",
                          (b.incidentsPerYear, "per year"), (h.incidentsPerYear, "per year")))
        return lines
    }

    private func line(_ group: CostGroup, _ key: String, _ title: String, _ baseline: (Double, String), _ hotline: (Double, String)) -> CostLine {
        CostLine(group: group, key: key, title: title,
                 annual: PerSetup(baseline: baseline.0, hotline: hotline.0),
                 basis: PerSetup(baseline: baseline.1, hotline: hotline.1))
    }

    private func same(_ group: CostGroup, _ key: String, _ title: String, _ value: Double, _ basis: String) -> CostLine {
        line(group, key, title, (value, basis), (value, basis))
    }
}
