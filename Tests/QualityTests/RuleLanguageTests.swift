import Testing
@testable import Quality

@Suite struct RuleLanguageTests {
    func inspector(_ yaml: String) throws -> QualityInspector {
        try QualityInspector(pack: try RulePack.parse(yaml: yaml, file: "test.yaml"))
    }

    @Test func reportsFileAndLineOfMistakes() {
        let yaml = """
        rules:
          - id: a
            when:
              keywords: {any: [投诉]}
          - id: b
            severity: huge
            when:
              keywords: {any: [退款]}
        """
        #expect(throws: RulePackError(file: "test.yaml", line: 6, message: "unknown severity `huge`: expected one of info, minor, major, critical")) {
            try RulePack.parse(yaml: yaml, file: "test.yaml")
        }
    }

    @Test func rejectsUnknownKeysAndConditions() {
        let unknownKey = "rules:\n  - id: a\n    when:\n      keywords: {any: [x], speakr: agent}\n"
        #expect { try RulePack.parse(yaml: unknownKey) } throws: { error in
            let e = error as! RulePackError
            return e.line == 4 && e.message.contains("speakr")
        }
        let unknownCondition = "rules:\n  - id: a\n    when:\n      sentiment: {below: 1}\n"
        #expect { try RulePack.parse(yaml: unknownCondition) } throws: { error in
            (error as! RulePackError).message.contains("unknown condition `sentiment`")
        }
        let duplicate = "rules:\n  - id: a\n    when: {silence: {longer_than_ms: 1}}\n  - id: a\n    when: {silence: {longer_than_ms: 1}}\n"
        #expect { try RulePack.parse(yaml: duplicate) } throws: { error in
            (error as! RulePackError).line == 4
        }
        let badRegex = "rules:\n  - id: a\n    when:\n      regex: {pattern: \"(unclosed\"}\n"
        #expect { try RulePack.parse(yaml: badRegex) } throws: { error in
            (error as! RulePackError).message.contains("invalid regular expression")
        }
        let unknownRuleInTemplate = "rules:\n  - id: a\n    when: {silence: {longer_than_ms: 1}}\ntemplate:\n  sections:\n    - {id: s, weight: 10, rules: [b]}\n"
        #expect { try RulePack.parse(yaml: unknownRuleInTemplate) } throws: { error in
            (error as! RulePackError).message.contains("unknown rule `b`")
        }
    }

    @Test func allAndNoneOfAList() throws {
        let engine = try inspector("""
        rules:
          - id: verified
            when:
              keywords: {all: [身份证, 后四位], speaker: agent}
          - id: no_apology
            when:
              keywords: {none: [抱歉, 对不起, 不好意思], speaker: agent}
        """)
        let both = call([("a", 0, 3, "请提供身份证号码"), ("a", 4, 6, "后四位就可以"), ("a", 7, 9, "不好意思")])
        #expect(fired(both, inspector: engine) == ["verified"])
        let one = call([("a", 0, 3, "请提供身份证号码")])
        #expect(fired(one, inspector: engine) == ["no_apology"])
    }

    @Test func turnRangesAndTimeWindows() throws {
        let engine = try inspector("""
        rules:
          - id: intro_in_first_two_agent_turns
            when:
              keywords: {any: [工号], speaker: agent, first_turns: 2}
          - id: asked_survey_in_last_turn
            when:
              keywords: {any: [评价], speaker: agent, last_turns: 1}
          - id: late_complaint
            when:
              keywords: {any: [投诉], last_seconds: 10}
        """)
        let transcript = call(duration: 60, [("a", 0, 2, "您好"), ("c", 2, 3, "喂"), ("a", 3, 5, "我的工号是1234"), ("c", 20, 22, "我要投诉"),
                                             ("a", 40, 45, "请对我的服务进行评价"), ("a", 50, 52, "再见")])
        #expect(fired(transcript, inspector: engine) == ["intro_in_first_two_agent_turns"])
    }

    @Test func proximityInSecondsAndTurns() throws {
        let engine = try inspector("""
        rules:
          - id: apology_after_complaint
            when:
              proximity:
                first: {any: [投诉], speaker: customer}
                second: {any: [抱歉, 对不起], speaker: agent}
                within_seconds: 5
                ordered: true
        """)
        let close = call([("c", 0, 3, "我要投诉"), ("a", 4, 6, "非常抱歉")])
        let far = call([("c", 0, 3, "我要投诉"), ("a", 20, 22, "非常抱歉")])
        let wrongOrder = call([("a", 0, 2, "抱歉让您久等"), ("c", 3, 5, "我要投诉")])
        #expect(fired(close, inspector: engine) == ["apology_after_complaint"])
        #expect(fired(far, inspector: engine).isEmpty)
        #expect(fired(wrongOrder, inspector: engine).isEmpty)
        let byTurns = try inspector("""
        rules:
          - id: x
            when:
              proximity: {first: {any: [投诉]}, second: {any: [抱歉]}, within_turns: 1}
        """)
        #expect(fired(far, inspector: byTurns) == ["x"])
    }

    @Test func regexWithExclusion() throws {
        let engine = try inspector("""
        rules:
          - id: card_number_read_out
            when:
              regex: {pattern: "[0-9]{16,19}", exclude: "尾号", speaker: agent}
        """)
        #expect(fired(call([("a", 0, 5, "您的卡号是 6222 0212 3456 7890")]), inspector: engine) == ["card_number_read_out"])
        #expect(fired(call([("a", 0, 5, "尾号 6222021234567890 的卡")]), inspector: engine).isEmpty)
        let hit = engine.inspect(call([("a", 0, 5, "您的卡号是 6222 0212 3456 7890")])).hits.first
        #expect(hit?.matched == "6222 0212 3456 7890")
    }

    @Test func booleanCombinations() throws {
        let engine = try inspector("""
        rules:
          - id: unresolved_complaint
            when:
              all:
                - keywords: {any: [投诉], speaker: customer}
                - not: {keywords: {any: [已经为您登记, 已为您记录], speaker: agent}}
          - id: any_risk
            when:
              any:
                - keywords: {any: [曝光]}
                - silence: {longer_than_ms: 5000, after: agent}
        """)
        #expect(fired(call([("c", 0, 2, "我要投诉")]), inspector: engine) == ["unresolved_complaint"])
        #expect(fired(call([("c", 0, 2, "我要投诉"), ("a", 3, 5, "已经为您登记")]), inspector: engine).isEmpty)
        #expect(fired(call([("a", 0, 2, "稍等"), ("c", 8, 10, "喂")]), inspector: engine) == ["any_risk"])
        #expect(fired(call([("c", 0, 2, "喂"), ("a", 8, 10, "您好")]), inspector: engine).isEmpty)
    }

    @Test func averageSpeakingRateAndEmotionAbove() throws {
        let engine = try inspector("""
        rules:
          - id: customer_fast
            when:
              speaking_rate: {speaker: customer, above_cpm: 200, per: average, min_seconds: 2}
          - id: happy_customer
            points: 5
            when:
              emotion: {speaker: customer, above: 2}
        """)
        let transcript = call([("c", 0, 1.5, "太好了，非常感谢！"), ("c", 2, 3, "你们真专业")])
        #expect(fired(transcript, inspector: engine) == ["customer_fast", "happy_customer"])
    }

    @Test func negationCanBeTurnedOffPerList() throws {
        let engine = try inspector("""
        rules:
          - id: any_mention
            when:
              keywords: {any: [投诉], negation: false}
        """)
        #expect(fired(call([("c", 0, 2, "我不是要投诉")]), inspector: engine) == ["any_mention"])
    }
}

@Suite struct ScoringTests {
    @Test func sectionsAreWeightedAndClamped() throws {
        let pack = try RulePack.parse(yaml: """
        rules:
          - {id: a, points: -10, when: {keywords: {any: [甲]}}}
          - {id: b, points: -30, when: {keywords: {any: [乙]}}}
          - {id: c, points: -5, auto_fail: true, when: {keywords: {any: [丙]}}}
          - {id: d, points: 0, when: {keywords: {any: [丁]}}}
        template:
          pass_score: 90
          sections:
            - {id: one, weight: 30, rules: [a, b]}
            - {id: two, weight: 20, rules: [c, d]}
        """)
        // Weights 30 + 20 scale to 60 + 40.
        let both = Scorer.score(template: pack.template, rules: pack.rules, fired: ["a", "b"])
        #expect(both.sections.map(\.score) == [0, 40])
        #expect(both.score == 40 && !both.passed)
        let one = Scorer.score(template: pack.template, rules: pack.rules, fired: ["a"])
        #expect(one.score == 80)
        let none = Scorer.score(template: pack.template, rules: pack.rules, fired: ["d"])
        #expect(none.score == 100 && none.passed)
        let failed = Scorer.score(template: pack.template, rules: pack.rules, fired: ["c"])
        #expect(failed.autoFailed && failed.score == 0 && failed.autoFailRules == ["c"] && !failed.passed)
    }

    @Test func defaultTemplateSumsToHundred() {
        let template = RulePack.standard.template
        #expect(template.sections.reduce(0) { $0 + $1.weight } == 100)
        let placed = template.sections.flatMap(\.rules)
        #expect(Set(placed) == Set(RulePack.standard.rules.map(\.id)))
    }
}

@Suite struct ExampleFilesTests {
    @Test func customRulesExampleParsesAndWorks() throws {
        let pack = try RulePack.load(contentsOf: repositoryRoot.appendingPathComponent("examples/qa/custom-rules.yaml"))
        let engine = try QualityInspector(pack: pack)
        let unverified = call([("a", 0, 3, "您好，信用卡中心"), ("c", 3, 6, "我想查账单"), ("a", 6, 9, "好的，您的卡号是6222021234567890123")])
        let result = engine.inspect(unverified)
        #expect(result.rules.contains("identity_not_verified") && result.rules.contains("card_number_read_out"))
        #expect(result.autoFailed)
        let verified = call([("a", 0, 3, "您好，请提供身份证后四位"), ("c", 3, 6, "我想查账单，1234")])
        #expect(!engine.inspect(verified).rules.contains("identity_not_verified"))
        let complaint = call([("c", 0, 3, "我要投诉"), ("a", 40, 43, "对不起")])
        #expect(engine.inspect(complaint).rules.contains("no_apology_after_complaint"))
        let apologised = call([("c", 0, 3, "我要投诉"), ("a", 4, 6, "非常抱歉")])
        #expect(!engine.inspect(apologised).rules.contains("no_apology_after_complaint"))
    }

    @Test func sampleCallsLoad() throws {
        for name in ["refrigerator-repair", "credit-card-bill", "parcel-delay-asr"] {
            let transcript = try TranscriptLoader.load(contentsOf: repositoryRoot.appendingPathComponent("examples/qa/calls/\(name).json"))
            #expect(!transcript.segments.isEmpty)
        }
    }
}
