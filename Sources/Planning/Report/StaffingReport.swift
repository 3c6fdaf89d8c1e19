extension StaffingPlan: PlanningReport {
    public var reportTitle: String { "Staffing per interval" }

    var goalText: String {
        var parts: [String] = []
        if let level = goal.serviceLevel { parts.append(level.description) }
        if let asa = goal.maximumAverageSpeedOfAnswer { parts.append("ASA ≤ \(Money.number(asa)) s") }
        if let occupancy = goal.maximumOccupancy { parts.append("occupancy ≤ \(Money.percent(occupancy, decimals: 0))") }
        parts.append("shrinkage \(Money.percent(goal.shrinkage, decimals: 0))")
        if let blocking { parts.append("trunk blocking \(Money.number(blocking * 100))%") }
        return parts.joined(separator: ", ")
    }

    var headers: [String] {
        ["start", "calls", "AHT s", "erlangs", "agents", "staff", "SL", "ASA s", "occupancy"] + (blocking != nil ? ["channels"] : [])
    }

    func row(_ i: IntervalStaffing) -> [String] {
        let r = i.requirement
        return [i.start, Money.number(i.calls, decimals: 1), Money.number(i.averageHandleTime, decimals: 0),
                Money.number(r.traffic, decimals: 2), "\(r.agents)", "\(r.staff)", Money.percent(r.serviceLevel),
                Money.number(r.averageSpeedOfAnswer, decimals: 1), Money.percent(r.occupancy)]
            + (blocking != nil ? [i.channels.map(String.init) ?? ""] : [])
    }

    var summary: [(label: String, value: String)] {
        var items: [(String, String)] = [
            ("intervals of \(Money.number(intervalSeconds / 60)) min", "\(intervals.count)"),
            ("calls", Money.plain(totalCalls)),
            ("peak agents" + (peak.map { " (\($0.start))" } ?? ""), "\(peak?.requirement.agents ?? 0)"),
            ("peak staff", "\(peak?.requirement.staff ?? 0)"),
            ("agent-hours", Money.plain(agentHours)),
            ("staff-hours", Money.plain(staffHours)),
            ("service level, all calls", Money.percent(overallServiceLevel)),
        ]
        if let channels = peakChannels { items.append(("peak trunk channels", "\(channels)")) }
        return items
    }

    public func textReport() -> String {
        var table = TextTable(headers: headers)
        for interval in intervals { table.add(row(interval)) }
        var text = "Staffing: \(goalText)\n\n" + table.render() + "\n"
        for item in summary { text += "\(item.label): \(item.value)\n" }
        return text
    }

    public func htmlBody() -> String {
        let labels = intervals.map(\.start)
        let perDay = max(1, Int(86_400 / intervalSeconds))
        let tick = intervals.count > perDay ? perDay : max(1, intervals.count / 12)
        return "<h1>Staffing per interval</h1>\n<p class=\"lead\">\(HTMLPage.escape(goalText))</p>\n"
            + HTMLPage.kpis(summary)
            + SVGChart.intervals(
                title: blocking != nil ? "Agents, staff and trunk channels per interval" : "Agents and staff per interval",
                labels: labels,
                columns: .init(name: "agents", color: "#4c78a8", values: intervals.map { Double($0.requirement.agents) }),
                lines: [.init(name: "staff", color: "#f58518", values: intervals.map { Double($0.requirement.staff) })]
                    + (blocking != nil ? [.init(name: "channels", color: "#54a24b", values: intervals.map { Double($0.channels ?? 0) })] : []),
                tickEvery: tick)
            + "<h2>Intervals</h2>\n" + HTMLPage.table(headers: headers, rows: intervals.map(row))
    }
}
