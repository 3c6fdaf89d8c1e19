import Foundation

/// Totals over many inspected calls.
public struct BatchSummary: Codable, Sendable, Equatable {
    /// How often one rule fired.
    public struct RuleCount: Codable, Sendable, Equatable {
        public var rule: String
        /// Calls on which the rule fired.
        public var calls: Int
        /// Findings in all.
        public var hits: Int
    }

    /// A call with one of the lowest scores.
    public struct WorstCall: Codable, Sendable, Equatable {
        public var callID: String
        public var score: Double
        public var rules: [String]
        public var source: String?
    }

    public var calls: Int
    public var failedFiles: Int
    public var averageScore: Double
    public var passRate: Double
    public var autoFailed: Int
    public var hitsPerRule: [RuleCount]
    public var worstCalls: [WorstCall]

    /// Sums up results; rules are listed in pack order, worst calls by ascending score.
    public static func summarize(_ results: [CallResult], failedFiles: Int = 0, pack: RulePack, worst: Int = 10) -> BatchSummary {
        let count = results.count
        let average = count == 0 ? 0 : results.reduce(0) { $0 + $1.score } / Double(count)
        let passed = results.filter(\.passed).count
        let counts = pack.rules.map { rule in
            RuleCount(rule: rule.id, calls: results.filter { $0.rules.contains(rule.id) }.count,
                      hits: results.reduce(0) { $0 + $1.hits.filter { $0.rule == rule.id }.count })
        }
        let worstCalls = results.sorted { ($0.score, $0.callID) < ($1.score, $1.callID) }.prefix(worst).map {
            WorstCall(callID: $0.callID, score: $0.score, rules: $0.rules, source: $0.source)
        }
        return BatchSummary(calls: count, failedFiles: failedFiles, averageScore: round2(average),
                            passRate: count == 0 ? 0 : round3(Double(passed) / Double(count)),
                            autoFailed: results.filter(\.autoFailed).count, hitsPerRule: counts, worstCalls: Array(worstCalls))
    }

    /// The summary as text tables.
    public func table(pack: RulePack) -> String {
        var out = "calls \(calls)   average score \(String(format: "%.1f", averageScore))   pass rate \(String(format: "%.1f", passRate * 100))%   auto-failed \(autoFailed)"
        if failedFiles > 0 { out += "   unreadable \(failedFiles)" }
        out += "\n\n"
        out += TextTable(headers: ["rule", "name", "calls", "% calls", "hits"], rows: hitsPerRule.map { count in
            [count.rule, pack.rule(count.rule)?.name ?? "", "\(count.calls)",
             String(format: "%.1f", calls == 0 ? 0 : Double(count.calls) * 100 / Double(calls)), "\(count.hits)"]
        }).render()
        if !worstCalls.isEmpty {
            out += "\nworst calls\n"
            out += TextTable(headers: ["call", "score", "rules"], rows: worstCalls.map {
                [$0.callID, String(format: "%.1f", $0.score), $0.rules.joined(separator: ", ")]
            }).render()
        }
        return out
    }

    /// As JSON (snake_case keys).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// A progress bar for the terminal: `[#####.....] 512/1000  51%  84.2 calls/s`.
public struct ProgressBar: Sendable {
    public var total: Int
    public var width: Int

    public init(total: Int, width: Int = 30) {
        self.total = total
        self.width = width
    }

    public func render(done: Int, elapsed: Double) -> String {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total) " + String(format: "%3.0f%%  %.1f calls/s", fraction * 100, rate)
    }
}
