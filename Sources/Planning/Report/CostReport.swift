extension CostComparison: PlanningReport {
    public var reportTitle: String { "Cost: \(scenario)" }

    var sizingRows: [[String]] {
        var rows: [[String]] = []
        if let calls = sizing.busyHourCalls { rows.append(["busy-hour calls", Money.number(calls, decimals: 1)]) }
        if let erlangs = sizing.trunkErlangs { rows.append(["busy-hour trunk traffic (E)", Money.number(erlangs, decimals: 2)]) }
        if let channels = sizing.channels {
            rows.append(["trunk channels (Erlang B, \(Money.number((sizing.blocking ?? 0) * 100))% blocking)", "\(channels)"])
        }
        if let agents = sizing.agents {
            let target = sizing.goal?.serviceLevel?.description ?? "goal"
            rows.append(["agents (Erlang C, \(target))", "\(agents.agents)"])
            rows.append(["service level / ASA s / occupancy",
                         "\(Money.percent(agents.serviceLevel)) / \(Money.number(agents.averageSpeedOfAnswer, decimals: 1)) / \(Money.percent(agents.occupancy))"])
            rows.append(["staff (shrinkage \(Money.percent(sizing.goal?.shrinkage ?? 0, decimals: 0)))", "\(agents.staff)"])
        }
        if let seats = sizing.seats { rows.append(["seats", "\(seats)"]) }
        if let calls = sizing.annualCalls { rows.append(["calls a year", Money.plain(calls)]) }
        if let minutes = sizing.annualTalkMinutes { rows.append(["talk minutes a year", Money.plain(minutes)]) }
        if let qa = sizing.qaReviewers { rows.append(["QA reviewers baseline → Hotline", "\(qa.baseline) → \(qa.hotline)"]) }
        return rows
    }

    var publishedText: String? {
        guard let published, let ok = reproducesPublished else { return nil }
        var parts: [String] = []
        if let b = published.baseline { parts.append("baseline \(Money.plain(b))") }
        if let h = published.hotline { parts.append("Hotline \(Money.plain(h))") }
        if let s = published.saving { parts.append("saving \(Money.plain(s))") }
        return "published: " + parts.joined(separator: ", ") + (ok ? " — reproduced" : " — NOT reproduced")
            + (published.source.map { " (\($0))" } ?? "")
    }

    public func textReport() -> String {
        var table = TextTable(headers: ["annual \(currency)", "baseline", "Hotline", "saving", "%"])
        for group in groups {
            for line in lines where line.group == group {
                table.add(["\(group.title) · \(line.title)", Money.plain(line.annual.baseline), Money.plain(line.annual.hotline),
                           Money.plain(line.saving), line.annual.baseline > 0 ? Money.percent(line.saving / line.annual.baseline, decimals: 0) : ""])
            }
            let t = total(group)
            table.add(["\(group.title) total", Money.plain(t.baseline), Money.plain(t.hotline), Money.plain(t.baseline - t.hotline),
                       t.baseline > 0 ? Money.percent((t.baseline - t.hotline) / t.baseline, decimals: 0) : ""])
            table.addRule()
        }
        table.add(["Total", Money.plain(total.baseline), Money.plain(total.hotline), Money.plain(saving), Money.percent(savingShare)])
        var text = "\(scenario)\n"
        if let description { text += "\(description)\n" }
        text += "\n" + table.render()
        text += "\nSaving: \(Money.plain(saving)) \(currency) a year (\(Money.percent(savingShare)))\n"
        if let publishedText { text += publishedText + "\n" }
        let sizingRows = sizingRows
        if !sizingRows.isEmpty {
            var sizingTable = TextTable(headers: ["sizing", ""])
            for row in sizingRows { sizingTable.add(row) }
            text += "\n" + sizingTable.render()
        }
        text += "\nHow each line is reached:\n"
        for line in lines {
            text += "  \(line.title)\n    baseline: \(line.basis.baseline)\n    Hotline:  \(line.basis.hotline)\n"
        }
        return text
    }

    public func htmlBody() -> String {
        var html = "<h1>\(HTMLPage.escape(scenario))</h1>\n"
        if let description { html += "<p class=\"lead\">\(HTMLPage.escape(description))</p>\n" }
        html += HTMLPage.kpis([
            ("baseline, \(currency) a year", Money.plain(total.baseline)),
            ("Hotline, \(currency) a year", Money.plain(total.hotline)),
            ("saving a year", Money.plain(saving)),
            ("saving", Money.percent(savingShare)),
        ])
        if let publishedText {
            html += "<p class=\"\(reproducesPublished == true ? "good" : "warn")\">\(HTMLPage.escape(publishedText))</p>\n"
        }
        html += SVGChart.groupedBars(
            title: "Annual cost by group (\(currency))",
            categories: groups.map(\.title),
            series: [
                .init(name: "baseline (PRI + own room)", color: "#9aa5b1", values: groups.map { total($0).baseline }),
                .init(name: "Hotline", color: "#2f80ed", values: groups.map { total($0).hotline }),
            ],
            format: { Money.plain($0) })
        html += "<h2>Lines</h2>\n<table><thead><tr><th>line</th><th>baseline</th><th>Hotline</th><th>saving</th><th>how</th></tr></thead><tbody>\n"
        for group in groups {
            let t = total(group)
            html += "<tr class=\"group\"><td>\(group.title)</td><td>\(Money.plain(t.baseline))</td><td>\(Money.plain(t.hotline))</td><td>\(Money.plain(t.baseline - t.hotline))</td><td></td></tr>\n"
            for line in lines where line.group == group {
                html += "<tr><td>\(HTMLPage.escape(line.title))</td><td>\(Money.plain(line.annual.baseline))</td><td>\(Money.plain(line.annual.hotline))</td><td>\(Money.plain(line.saving))</td>"
                html += "<td class=\"basis\">baseline: \(HTMLPage.escape(line.basis.baseline))<br>Hotline: \(HTMLPage.escape(line.basis.hotline))</td></tr>\n"
            }
        }
        html += "<tr class=\"total\"><td>Total</td><td>\(Money.plain(total.baseline))</td><td>\(Money.plain(total.hotline))</td><td>\(Money.plain(saving))</td><td>\(Money.percent(savingShare))</td></tr>\n</tbody></table>\n"
        let sizingRows = sizingRows
        if !sizingRows.isEmpty {
            html += "<h2>Sizing</h2>\n" + HTMLPage.table(headers: ["", ""], rows: sizingRows)
        }
        return html
    }
}
