extension ActualCostReport: PlanningReport {
    public var reportTitle: String { "Actual cost \(TimeParsing.format(from)) – \(TimeParsing.format(to))" }

    var trunkHeaders: [String] {
        ["trunk", "kind", "paid ch", "calls", "minutes", "ch-months", "peak", "busy-hour E", "keep", "release", "cost/year", "saving/year"]
    }

    var trunkRows: [[String]] {
        trunks.map { t in
            [t.name, t.kind?.rawValue ?? "?", t.paidChannels.map(String.init) ?? "?", "\(t.calls)", Money.plain(t.minutes),
             Money.number(t.channelMonths, decimals: 1), "\(t.peakConcurrent)", Money.number(t.busyHourErlangs, decimals: 2),
             "\(t.channelsToKeep)", "\(t.releasable)", Money.plain(t.annualCost), Money.plain(t.annualSaving)]
        }
    }

    var usageRows: [[String]] {
        var rows: [[String]] = [
            ["days", Money.number(days, decimals: 2)],
            ["calls / answered", "\(calls) / \(answeredCalls)"],
            ["recorded minutes", Money.plain(recordedMinutes)],
            ["recording storage for these minutes (\(currency))", Money.plain(recordingCost)],
            ["handle hours", Money.number(handleHours, decimals: 1)],
        ]
        if let staffed = staffedAgentHours { rows.append(["staffed agent hours", Money.number(staffed, decimals: 1)]) }
        if let occupancy { rows.append(["agent occupancy", Money.percent(occupancy)]) }
        rows.append(["QA coverage of answered calls", Money.percent(qaCoverage)])
        return rows
    }

    public func textReport() -> String {
        var text = "\(reportTitle) (UTC)\n\n"
        var trunks = TextTable(headers: trunkHeaders)
        for row in trunkRows { trunks.add(row) }
        text += trunks.render() + "\n"
        var usage = TextTable(headers: ["usage", ""])
        for row in usageRows { usage.add(row) }
        text += usage.render()
        text += "\nRecommendations:\n"
        text += recommendations.isEmpty ? "  none: paid capacity matches use\n" : recommendations.map { "  - \($0)\n" }.joined()
        return text
    }

    public func htmlBody() -> String {
        var html = "<h1>\(HTMLPage.escape(reportTitle))</h1>\n"
        html += HTMLPage.kpis([
            ("calls", Money.plain(Double(calls))),
            ("trunk saving a year, \(currency)", Money.plain(annualSaving)),
            ("QA coverage", Money.percent(qaCoverage)),
        ] + (occupancy.map { [("agent occupancy", Money.percent($0))] } ?? []))
        html += SVGChart.groupedBars(
            title: "Channels per trunk: paid, peak, to keep",
            categories: trunks.map(\.name),
            series: [
                .init(name: "paid", color: "#9aa5b1", values: trunks.map { Double($0.paidChannels ?? 0) }),
                .init(name: "peak concurrent", color: "#f58518", values: trunks.map { Double($0.peakConcurrent) }),
                .init(name: "keep (Erlang B)", color: "#2f80ed", values: trunks.map { Double($0.channelsToKeep) }),
            ],
            format: { Money.number($0, decimals: 0) })
        html += "<h2>Trunks</h2>\n" + HTMLPage.table(headers: trunkHeaders, rows: trunkRows)
        html += "<h2>Usage</h2>\n" + HTMLPage.table(headers: ["", ""], rows: usageRows)
        html += "<h2>Recommendations</h2>\n<ul class=\"recommendations\">"
            + (recommendations.isEmpty ? "<li>none: paid capacity matches use</li>" : recommendations.map { "<li>\(HTMLPage.escape($0))</li>" }.joined())
            + "</ul>\n"
        return html
    }
}
