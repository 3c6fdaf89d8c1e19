import ContactCenter
import Testing

@Suite("Flow steps as read from YAML")
struct FlowParsingTests {
    static let flows = """
        prompts:
          closed: "say: 现在是非工作时间"
          english: {say: "Thank you for calling", voice: en}
        trunks:
          telecom: {allow: [198.51.100.0/24], proxy: 198.51.100.5}
        flows:
          every-verb:
            - name: early
              play: {prompt: hello, early-media: true}
            - set: {language: zh, segment: retail}
            - name: crm
              webhook:
                url: https://crm.example.com/route
                timeout: 1500ms
                retries: 2
                headers: {Authorization: Bearer 1}
                choices: [account, dial]
                fallback: account
            - name: account
              gather: {prompt: english, max-digits: 8, terminator: none, variable: account, no-input: dial}
            - name: dial
              extension: {failed: out}
            - name: out
              transfer: {number: "02112345678", trunk: telecom, timeout: 20s, failed: desk}
            - name: desk
              transfer: {to: "sip:desk@10.0.0.20:5080", failed: message}
            - name: message
              voicemail: {mailbox: sales, greeting: closed, max-length: 1m, beep: false}
            - goto: {flow: main}
          short-forms:
            - play: "say: 您好"
            - webhook: http://127.0.0.1:9000/hook
            - goto: menu
            - name: menu
              queue: {name: sales, overflow: ext}
            - name: ext
              extension:
        """

    func flow(_ name: String) throws -> Flow {
        let check = ConfigurationFixture.check(extra: Self.flows)
        #expect(check.diagnostics == [])
        return try #require(check.configuration?.flow(named: name))
    }

    @Test("every verb in its long form")
    func longForms() throws {
        let steps = try flow("every-verb").steps
        #expect(steps.map(\.action.verb) == ["play", "set", "webhook", "gather", "extension", "transfer", "transfer", "voicemail", "goto"])
        #expect(steps[0].action == .play(PlayAction(prompt: .file("prompts/hello.wav"), earlyMedia: true)))
        #expect(steps[1].action == .set([VariableAssignment(name: "language", value: "zh"),
                                         VariableAssignment(name: "segment", value: "retail")]))
        #expect(steps[2].action == .webhook(WebhookAction(url: "https://crm.example.com/route", timeout: .milliseconds(1500),
                                                          retries: 2, headers: ["Authorization": "Bearer 1"],
                                                          answerSteps: ["account", "dial"], fallback: "account")))
        #expect(steps[3].action == .gather(GatherAction(prompt: .say(text: "Thank you for calling", voice: "en"), maxDigits: 8,
                                                        terminator: nil, noInput: "dial", variable: "account")))
        #expect(steps[4].action == .extension(ExtensionAction(failed: "out")))
        #expect(steps[5].action == .transfer(TransferAction(destination: .number("02112345678", trunk: "telecom"),
                                                            timeout: .seconds(20), failed: "desk")))
        #expect(steps[6].action == .transfer(TransferAction(destination: .uri("sip:desk@10.0.0.20:5080"), failed: "message")))
        #expect(steps[7].action == .voicemail(VoicemailAction(mailbox: "sales", greeting: .say(text: "现在是非工作时间", voice: "cmn"),
                                                              maxLength: .seconds(60), beep: false)))
        #expect(steps[8].action == .goto(.flow("main", step: nil)))
    }

    @Test("short forms")
    func shortForms() throws {
        let steps = try flow("short-forms").steps
        #expect(steps[0].action == .play(PlayAction(prompt: .say(text: "您好", voice: "cmn"))))
        #expect(steps[1].action == .webhook(WebhookAction(url: "http://127.0.0.1:9000/hook")))
        #expect(steps[2].action == .goto(.step("menu")))
        #expect(steps[3].action == .queue(QueueAction(queue: "sales", overflow: "ext")))
        #expect(steps[4].action == .extension(ExtensionAction()))
        #expect(steps[4].location == SourceLocation(file: "extra.yaml", line: 36, column: 7))
    }

    @Test("branches and fall-through drive reachability")
    func branches() throws {
        let flow = try flow("every-verb")
        #expect(flow.unreachableSteps() == [])
        #expect(flow.steps[3].action.branches == ["dial"])
        #expect(flow.steps[3].action.continues)
        #expect(!flow.steps[5].action.continues)
        #expect(flow.stepAfter(0) == 1)
    }
}
