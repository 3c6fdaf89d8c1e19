import Testing
@testable import Quality

@Suite struct TextNormalizerTests {
    @Test func foldsWidthCaseAndPunctuation() {
        let text = TextNormalizer.normalize("ＡＢＣ１２３１５，我要  投诉！")
        #expect(text.folded == "abc12315我要投诉")
        #expect(text.exclamations == 1)
    }

    @Test func foldsTraditionalCharacters() {
        #expect(TextNormalizer.normalize("我要投訴你們").folded == "我要投诉你们")
    }

    @Test func mapsBackToOriginalText() {
        let text = TextNormalizer.normalize("我，要 投诉你们")
        // "投诉" is folded positions 2..<4
        #expect(text.originalText(from: 1, to: 4) == "要 投诉")
    }

    @Test func numbersClauses() {
        let text = TextNormalizer.normalize("不是，我要投诉")
        #expect(text.clause[0] == text.clause[1])
        #expect(text.clause[2] != text.clause[1])
    }
}

@Suite struct AhoCorasickTests {
    func fold(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    @Test func findsOverlappingPatterns() {
        let patterns = ["he", "she", "his", "hers"].map(fold)
        let matcher = AhoCorasick(patterns: patterns)
        let found = matcher.matches(in: fold("ushers")).map { ($0.pattern, $0.start, $0.end) }
        #expect(found.map(\.0) == [1, 0, 3])
        #expect(found.map(\.1) == [1, 2, 2])
    }

    @Test func agreesWithNaiveSearch() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("投诉退款不是要我你们领导")
        for _ in 0..<50 {
            let patterns = (0..<8).map { _ in String((0..<Int.random(in: 1...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
            let text = String((0..<60).map { _ in alphabet.randomElement(using: &generator)! })
            let matcher = AhoCorasick(patterns: patterns.map(fold))
            var expected: [String] = []
            let scalars = fold(text)
            for end in 1...scalars.count {
                for (id, pattern) in patterns.enumerated() {
                    let p = fold(pattern)
                    if p.count <= end && Array(scalars[(end - p.count)..<end]) == p { expected.append("\(id)@\(end)") }
                }
            }
            let actual = matcher.matches(in: scalars).map { "\($0.pattern)@\($0.end)" }
            #expect(Set(actual) == Set(expected))
            #expect(actual.count == expected.count)
        }
    }

    @Test func charactersOutsideTheAlphabetResetTheMatch() {
        let matcher = AhoCorasick(patterns: [fold("投诉")])
        #expect(matcher.matches(in: fold("投x诉")).isEmpty)
        #expect(matcher.matches(in: fold("投投诉")).count == 1)
    }
}

@Suite struct NegationTests {
    func complaint(_ text: String) -> Bool {
        fired(call([("c", 20, 25, text)])).contains("complaint_risk")
    }
    func refund(_ text: String) -> Bool {
        fired(call([("c", 20, 25, text)])).contains("refund_intent")
    }

    @Test(arguments: ["我要投诉你们", "我要打12315", "我要向工信部反映", "叫你们领导来接电话", "我要投訴", "再不解决我就去媒体曝光",
                      "你们不退款我就投诉", "我不得不投诉了", "我是不是要去12315"])
    func complaintCounts(_ text: String) {
        #expect(complaint(text), "\(text)")
    }

    @Test(arguments: ["我不是要投诉，就是问问", "我没有要投诉的意思", "投诉就算了，你们尽快处理", "不投诉了", "我想撤销投诉", "我不想投诉"])
    func negatedComplaintDoesNotCount(_ text: String) {
        #expect(!complaint(text), "\(text)")
    }

    @Test(arguments: ["我要退款", "把钱退给我", "为什么不给我退款", "你们到现在还没退款", "这个课我不想上了，能退吗", "我要求全额退款"])
    func refundCounts(_ text: String) {
        #expect(refund(text), "\(text)")
    }

    @Test(arguments: ["不用退款了，给我换一个就行", "退款就不用了", "我不是要退款", "你们的退款政策是怎样的", "退款已经收到了，谢谢", "我不要退款"])
    func refundHardNegatives(_ text: String) {
        #expect(!refund(text), "\(text)")
    }

    @Test func negationDoesNotCrossClauses() {
        #expect(complaint("不是，我要投诉"))
    }
}
