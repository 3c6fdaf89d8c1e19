import Foundation
import Testing
@testable import Quality

@Suite struct EvaluationTests {
    let directory = repositoryRoot.appendingPathComponent("examples/qa/eval")

    @Test func evaluationSetIsLargeAndCoversEveryDomainAndRule() throws {
        let files = try CallFiles.discover(in: directory)
        #expect(files.count >= 60)
        var domains = Set<String>()
        var labels = Set<String>()
        for file in files {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file.transcript!)) as! [String: Any]
            domains.insert(object["domain"] as! String)
            labels.formUnion(object["expected"] as! [String])
        }
        #expect(domains == ["after-sales", "banking", "insurance", "logistics", "education", "travel"])
        #expect(labels == Set(RulePack.standard.rules.map(\.id)))
    }

    @Test func everyRuleReachesNinetyPercentPrecisionAndRecall() throws {
        let report = try Evaluator.evaluate(directory: directory, inspector: sharedInspector)
        #expect(report.calls >= 60)
        for rule in report.rules {
            #expect((rule.precision ?? 0) >= 0.9, "\(rule.rule) precision \(String(describing: rule.precision))")
            #expect((rule.recall ?? 0) >= 0.9, "\(rule.rule) recall \(String(describing: rule.recall))")
            #expect(rule.support >= 5, "\(rule.rule) has too few labelled calls")
        }
    }

    @Test func countsMistakesBothWays() {
        let calls: [(Transcript, Set<String>)] = [
            (call([("c", 0, 2, "我要投诉")]), ["complaint_risk", "greeting_missing", "closing_missing"]),
            (call([("c", 0, 2, "你好")]), ["complaint_risk", "greeting_missing", "closing_missing"]),
            (call([("c", 0, 2, "我要投诉")]), ["greeting_missing", "closing_missing"]),
        ]
        let report = Evaluator.evaluate(calls, inspector: sharedInspector)
        let complaint = report.rules.first { $0.rule == "complaint_risk" }!
        #expect(complaint.truePositives == 1 && complaint.falseNegatives == 1 && complaint.falsePositives == 1)
        #expect(complaint.precision == 0.5 && complaint.recall == 0.5)
        #expect(report.rulesBelow(precision: 0.9, recall: 0.9) == ["complaint_risk"])
    }
}

@Suite struct BatchTests {
    @Test func groupsTranscriptsWithRecordings() {
        let urls = ["/x/a.json", "/x/a.wav", "/x/b.json", "/y/a.wav", "/x/notes.txt"].map { URL(fileURLWithPath: $0) }
        let calls = CallFiles.group(urls, lookBeside: false)
        #expect(calls.count == 3)
        #expect(calls[0].transcript?.path == "/x/a.json" && calls[0].recording?.path == "/x/a.wav")
        #expect(calls[1].transcript?.path == "/x/b.json" && calls[1].recording == nil)
        #expect(calls[2].transcript == nil && calls[2].recording?.path == "/y/a.wav")
    }

    @Test func summaryCountsRulesAndWorstCalls() {
        let results = [
            sharedInspector.inspect(cleanCall()),
            sharedInspector.inspect(call("bad", [("c", 0, 2, "我要投诉"), ("a", 2, 4, "我不知道")])),
            sharedInspector.inspect(call("meh", [("a", 0, 2, "您好"), ("c", 2, 4, "我要投诉"), ("c", 4, 6, "我要投诉，12315")])),
        ]
        let summary = BatchSummary.summarize(results, pack: .standard, worst: 2)
        #expect(summary.calls == 3)
        #expect(summary.worstCalls.map(\.callID) == ["bad", "meh"])
        let complaint = summary.hitsPerRule.first { $0.rule == "complaint_risk" }!
        #expect(complaint.calls == 2 && complaint.hits == 4)
        #expect(summary.averageScore == ((100 + 0 + results[2].score) / 3 * 100).rounded() / 100)
        #expect(summary.table(pack: .standard).contains("complaint_risk"))
    }

    @Test func progressBar() {
        #expect(ProgressBar(total: 10, width: 10).render(done: 5, elapsed: 2) == "[#####.....] 5/10  50%  2.5 calls/s")
    }
}
