import Foundation
import Testing
@testable import Quality

@Suite struct DefaultPackTests {
    @Test func packHasTheContractedRuleIDs() {
        let ids = RulePack.standard.rules.map(\.id)
        #expect(ids == ["greeting_missing", "closing_missing", "forbidden_phrase", "complaint_risk", "refund_intent",
                        "long_silence", "fast_speech", "overtalk", "customer_negative_emotion", "agent_negative_emotion"])
    }

    @Test func embeddedPackEqualsTheExampleFile() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/qa/rules.yaml"), encoding: .utf8)
        #expect(DefaultRulePack.yaml + "\n" == file)
    }

    @Test func embeddedLexiconEqualsTheExampleFile() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/qa/lexicon.yaml"), encoding: .utf8)
        #expect(DefaultLexicon.yaml + "\n" == file)
        #expect(SentimentLexicon.standard.terms.count > 100)
    }

    @Test func packNegationEqualsTheBuiltInDefault() {
        #expect(RulePack.standard.negation == NegationSettings.standard)
    }

    @Test func cleanCallHasNoFindings() {
        let result = sharedInspector.inspect(cleanCall())
        #expect(result.hits.isEmpty, "\(result.hits)")
        #expect(result.score == 100)
        #expect(result.passed)
    }

    @Test func greetingGivenTooLateIsMissing() {
        let late = call([("c", 0, 3, "喂？喂？"), ("a", 16, 20, "您好，请问有什么可以帮您？"), ("a", 55, 58, "感谢您的来电，再见。")])
        let result = sharedInspector.inspect(late)
        #expect(result.rules.contains("greeting_missing"))
        let hit = try! #require(result.hits.first { $0.rule == "greeting_missing" })
        #expect(hit.speaker == .agent)
        #expect(hit.start == 0 && hit.end == 15)
    }

    @Test func greetingAtFourteenSecondsCounts() {
        let result = fired(call([("a", 14, 18, "您好，欢迎致电。"), ("a", 55, 58, "再见。")]))
        #expect(!result.contains("greeting_missing"))
    }

    @Test func closingMustBeInTheLastThirtySeconds() {
        let early = call(duration: 120, [("a", 0, 3, "您好"), ("a", 60, 63, "感谢您的来电，再见"), ("c", 100, 118, "还有一个问题想问一下")])
        #expect(fired(early).contains("closing_missing"))
    }

    @Test func forbiddenPhraseFailsTheCallAndShowsTheWords() {
        let result = sharedInspector.inspect(cleanCall(middle: [("c", 14, 18, "那我的快递到底什么时候到？"), ("a", 18.5, 22, "这个我不知道，你明天再打过来吧。")]))
        #expect(result.rules == ["forbidden_phrase"])
        #expect(result.autoFailed && result.score == 0 && !result.passed)
        let matched = result.hits.compactMap(\.matched)
        #expect(matched.contains("不知道") && matched.contains("你明天再打过来"))
        #expect(result.hits.allSatisfy { $0.start == 18.5 && $0.end == 22 && $0.speaker == .agent })
    }

    @Test func customerSayingATabooWordIsNotAnAgentFault() {
        #expect(!fired(cleanCall(middle: [("c", 14, 18, "我也不知道单号，你听清楚没？")])).contains("forbidden_phrase"))
    }

    @Test func politeNotKnowingIsNotTaboo() {
        #expect(!fired(cleanCall(middle: [("a", 14, 18, "不知道您现在方便接听吗？")])).contains("forbidden_phrase"))
    }

    @Test func agentMentioningRefundPolicyIsNotRefundIntent() {
        #expect(!fired(cleanCall(middle: [("a", 14, 20, "根据规定，七天无理由退款，退款会在三个工作日内到账。")])).contains("refund_intent"))
    }

    @Test func longSilence() {
        let result = sharedInspector.inspect(cleanCall(middle: [("a", 14, 16, "请您稍等。"), ("a", 28, 31, "让您久等了。")]))
        let hits = result.hits.filter { $0.rule == "long_silence" }
        #expect(hits.count == 1)
        #expect(hits.first?.start == 16 && hits.first?.end == 28)
        #expect(hits.first?.speaker == .agent)
        #expect(!fired(cleanCall(middle: [("a", 14, 16, "请您稍等。"), ("a", 25.9, 31, "让您久等了。")])).contains("long_silence"))
    }

    @Test func agentTalkingOverTheCustomer() {
        let over = cleanCall(middle: [("c", 14, 22, "我上周就买了这个东西但是一直都没有发货"), ("a", 19, 24, "这个您听我说")])
        let hits = sharedInspector.inspect(over).hits.filter { $0.rule == "overtalk" }
        #expect(hits.count == 1)
        #expect(hits.first?.speaker == .agent && hits.first?.start == 19 && hits.first?.end == 22)
        // The customer interrupting the agent is not the agent's fault.
        let customerOver = cleanCall(middle: [("a", 14, 22, "我跟您解释一下这个流程是这样的"), ("c", 19, 24, "你别说了")])
        #expect(!fired(customerOver).contains("overtalk"))
        // A short backchannel-length overlap does not count.
        let short = cleanCall(middle: [("c", 14, 22, "我上周就买了这个东西但是一直都没有发货"), ("a", 21.2, 24, "好的")])
        #expect(!fired(short).contains("overtalk"))
    }

    @Test func fastSpeech() {
        // 30 characters in 5 s = 360 per minute.
        let fast = cleanCall(middle: [("a", 14, 19, "您的订单已经发货了预计明天下午送达请您注意查收短信通知谢谢配合")])
        #expect(fired(fast).contains("fast_speech"))
        let hit = sharedInspector.inspect(fast).hits.first { $0.rule == "fast_speech" }
        #expect(hit?.detail?.contains("characters/min") == true)
        let normal = cleanCall(middle: [("a", 14, 22, "您的订单已经发货了预计明天下午送达请您注意查收短信通知谢谢配合")])
        #expect(!fired(normal).contains("fast_speech"))
    }

    @Test func customerAnger() {
        let angry = cleanCall(middle: [("c", 14, 20, "你们这什么破公司！太过分了！气死我了！"), ("c", 21, 25, "我非常不满意！")])
        let result = sharedInspector.inspect(angry)
        #expect(result.rules.contains("customer_negative_emotion"))
        #expect(result.emotion.customer.quarters.contains { $0.label == .angry })
        #expect(!result.rules.contains("agent_negative_emotion"))
    }

    @Test func agentIrritation() {
        let result = sharedInspector.inspect(cleanCall(middle: [("a", 14, 18, "你烦不烦啊，随便你。")]))
        #expect(result.rules.contains("agent_negative_emotion"))
    }
}
