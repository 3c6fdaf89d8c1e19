import Foundation

/// Precision and recall of one rule on a labelled set.
public struct RuleEvaluation: Codable, Sendable, Equatable {
    public var rule: String
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    /// Calls labelled with the rule.
    public var support: Int
    /// nil when the rule never fired.
    public var precision: Double?
    /// nil when no call is labelled with the rule.
    public var recall: Double?
}

/// How the inspector did on a labelled set of calls.
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// A call where the inspector and the label disagree on a rule.
    public struct Mistake: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case falsePositive = "false_positive", falseNegative = "false_negative" }
        public var call: String
        public var rule: String
        public var kind: Kind
        /// The evidence of a false positive.
        public var evidence: String?
    }

    public var calls: Int
    public var rules: [RuleEvaluation]
    public var mistakes: [Mistake]

    /// Rules whose precision or recall is below the bar.
    public func rulesBelow(precision: Double, recall: Double) -> [String] {
        rules.filter { ($0.precision ?? 1) < precision || ($0.recall ?? 1) < recall }.map(\.rule)
    }

    public func table() -> String {
        func f(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        var out = "\(calls) labelled calls\n\n"
        out += TextTable(headers: ["rule", "support", "TP", "FP", "FN", "precision", "recall"], rows: rules.map {
            [$0.rule, "\($0.support)", "\($0.truePositives)", "\($0.falsePositives)", "\($0.falseNegatives)", f($0.precision), f($0.recall)]
        }).render()
        return out
    }
}

/// Measures a rule pack against calls labelled with the rules they should fire.
///
/// A labelled call is a transcript JSON file with an extra `"expected": ["rule_id", …]` key:
/// every rule listed must fire, and every other rule of the pack must not.
public enum Evaluator {
    struct Labels: Decodable { var expected: [String] }

    public static func evaluate(directory: URL, inspector: QualityInspector) throws -> EvaluationReport {
        let files = try CallFiles.discover(in: directory).compactMap(\.transcript)
        var labelled: [(Transcript, Set<String>)] = []
        for file in files {
            let data = try Data(contentsOf: file)
            let transcript = try TranscriptLoader.decode(data, fallbackID: file.deletingPathExtension().lastPathComponent, file: file.path)
            let labels: Labels
            do { labels = try JSONDecoder().decode(Labels.self, from: data) } catch {
                throw TranscriptError(file: file.path, message: "no `expected` list of rule ids")
            }
            labelled.append((transcript, Set(labels.expected)))
        }
        return evaluate(labelled, inspector: inspector)
    }

    public static func evaluate(_ calls: [(Transcript, Set<String>)], inspector: QualityInspector) -> EvaluationReport {
        var tp: [String: Int] = [:], fp: [String: Int] = [:], fn: [String: Int] = [:]
        var mistakes: [EvaluationReport.Mistake] = []
        for (transcript, expected) in calls {
            let result = inspector.inspect(transcript)
            let fired = Set(result.rules)
            for rule in inspector.pack.rules.map(\.id) {
                switch (fired.contains(rule), expected.contains(rule)) {
                case (true, true): tp[rule, default: 0] += 1
                case (true, false):
                    fp[rule, default: 0] += 1
                    let hit = result.hits.first { $0.rule == rule }
                    mistakes.append(.init(call: transcript.callID, rule: rule, kind: .falsePositive,
                                          evidence: hit.map { [$0.matched, $0.text, $0.detail].compactMap { $0 }.joined(separator: " | ") }))
                case (false, true):
                    fn[rule, default: 0] += 1
                    mistakes.append(.init(call: transcript.callID, rule: rule, kind: .falseNegative, evidence: nil))
                case (false, false): break
                }
            }
        }
        let rules = inspector.pack.rules.map { rule -> RuleEvaluation in
            let t = tp[rule.id, default: 0], p = fp[rule.id, default: 0], n = fn[rule.id, default: 0]
            return RuleEvaluation(rule: rule.id, truePositives: t, falsePositives: p, falseNegatives: n, support: t + n,
                                  precision: t + p == 0 ? nil : round3(Double(t) / Double(t + p)),
                                  recall: t + n == 0 ? nil : round3(Double(t) / Double(t + n)))
        }
        return EvaluationReport(calls: calls.count, rules: rules, mistakes: mistakes)
    }
}
