import Foundation

/// How a result is printed.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// An aligned text table for the terminal.
    case table
    /// Pretty-printed JSON with sorted keys, dates in ISO 8601.
    case json
    /// A self-contained HTML page with SVG charts.
    case html
}

/// A result that can be printed as a table, JSON or an HTML page.
public protocol PlanningReport: Encodable {
    var reportTitle: String { get }
    /// The terminal rendering.
    func textReport() -> String
    /// The inside of the HTML page's body.
    func htmlBody() -> String
}

extension PlanningReport {
    public func render(_ format: ReportFormat) throws -> String {
        switch format {
        case .table:
            return textReport()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        case .html:
            return HTMLPage.document(title: reportTitle, body: htmlBody())
        }
    }
}

/// The answer of an Erlang B question: channels, traffic and blocking.
public struct ErlangBSummary: PlanningReport, Hashable, Sendable, Codable {
    /// What was asked: `traffic`, `channels` or `blocking`.
    public var solvedFor: String
    public var channels: Int
    /// Offered traffic in erlangs.
    public var traffic: Double
    /// Blocking probability at these channels and traffic.
    public var blocking: Double
    /// Traffic carried: A × (1 − B).
    public var carried: Double

    public init(solvedFor: String, channels: Int, traffic: Double) throws {
        self.solvedFor = solvedFor
        self.channels = channels
        self.traffic = traffic
        self.blocking = try ErlangB.blocking(channels: channels, traffic: traffic)
        self.carried = traffic * (1 - blocking)
    }

    public var reportTitle: String { "Erlang B" }

    public func textReport() -> String {
        var table = TextTable(headers: ["Erlang B", ""])
        table.add(["channels", "\(channels)" + (solvedFor == "channels" ? "  ← needed" : "")])
        table.add(["offered traffic (E)", Money.number(traffic) + (solvedFor == "traffic" ? "  ← carried at target" : "")])
        table.add(["blocking", Money.percent(blocking, decimals: 3)])
        table.add(["carried traffic (E)", Money.number(carried)])
        return table.render()
    }

    public func htmlBody() -> String {
        "<h1>Erlang B</h1>\n" + HTMLPage.table(headers: ["", ""], rows: [
            ["channels", "\(channels)"], ["offered traffic (E)", Money.number(traffic)],
            ["blocking", Money.percent(blocking, decimals: 3)], ["carried traffic (E)", Money.number(carried)],
        ])
    }
}

/// Agents for one interval by Erlang C.
public struct ErlangCSummary: PlanningReport, Hashable, Sendable, Codable {
    public var calls: Double
    public var intervalSeconds: Double
    public var averageHandleTime: Double
    public var goal: StaffingGoal
    public var requirement: AgentRequirement

    public init(calls: Double, intervalSeconds: Double, averageHandleTime: Double, goal: StaffingGoal, agents: Int? = nil) throws {
        self.calls = calls
        self.intervalSeconds = intervalSeconds
        self.averageHandleTime = averageHandleTime
        self.goal = goal
        if let agents {
            let queue = try ErlangC(agents: agents, calls: calls, interval: intervalSeconds, averageHandleTime: averageHandleTime)
            requirement = AgentRequirement(
                traffic: queue.traffic, agents: agents, staff: goal.staff(forAgents: agents),
                probabilityOfWaiting: queue.probabilityOfWaiting,
                serviceLevel: queue.serviceLevel(within: goal.serviceLevel?.seconds ?? 0),
                averageSpeedOfAnswer: queue.averageSpeedOfAnswer, occupancy: queue.occupancy)
        } else {
            requirement = try AgentSearch.agents(calls: calls, interval: intervalSeconds, averageHandleTime: averageHandleTime, goal: goal)
        }
    }

    public var reportTitle: String { "Erlang C" }

    var goalDescription: String {
        var parts: [String] = []
        if let level = goal.serviceLevel { parts.append(level.description) }
        if let asa = goal.maximumAverageSpeedOfAnswer { parts.append("ASA ≤ \(Money.number(asa)) s") }
        if let occupancy = goal.maximumOccupancy { parts.append("occupancy ≤ \(Money.percent(occupancy, decimals: 0))") }
        return parts.isEmpty ? "none (agents given)" : parts.joined(separator: ", ")
    }

    var rows: [[String]] {
        let r = requirement
        let within = goal.serviceLevel.map { "service level (answered in \(Money.number($0.seconds)) s)" } ?? "answered at once"
        return [
            ["target", goalDescription],
            ["traffic (E)", Money.number(r.traffic)],
            ["agents", "\(r.agents)"],
            [within, Money.percent(r.serviceLevel)],
            ["probability of waiting", Money.percent(r.probabilityOfWaiting)],
            ["average speed of answer (s)", Money.number(r.averageSpeedOfAnswer, decimals: 1)],
            ["occupancy", Money.percent(r.occupancy)],
            ["staff (shrinkage \(Money.percent(goal.shrinkage, decimals: 0)))", "\(r.staff)"],
        ]
    }

    public func textReport() -> String {
        var table = TextTable(headers: ["Erlang C: \(Money.number(calls)) calls / \(Money.number(intervalSeconds)) s, AHT \(Money.number(averageHandleTime)) s", ""])
        for row in rows { table.add(row) }
        return table.render()
    }

    public func htmlBody() -> String {
        "<h1>Erlang C</h1>\n<p class=\"lead\">\(HTMLPage.escape("\(Money.number(calls)) calls per \(Money.number(intervalSeconds)) s, AHT \(Money.number(averageHandleTime)) s"))</p>\n"
            + HTMLPage.table(headers: ["", ""], rows: rows)
    }
}
