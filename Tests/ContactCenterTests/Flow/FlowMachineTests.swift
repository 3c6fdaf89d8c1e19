import ContactCenter
import Foundation
import Testing

/// The demo flow, step by step, with no sockets and no clock: each test feeds events and checks
/// the commands.
@Suite("Flow machine: the demo hotline")
struct FlowMachineDemoTests {
    let demo: HotlineConfiguration
    let prompts: String

    init() throws {
        let examples = ConfigurationFixture.examplesDirectory
        demo = try DemoConfiguration.load(examplesDirectory: examples, speechSynthesizerAvailable: false)
        prompts = examples + "/prompts/"
    }

    func prompt(_ name: String) -> ConfiguredPrompt { .file(prompts + name + ".wav") }

    func machine(caller: String = "13912345678", domain: String = "example.net") -> FlowMachine {
        FlowMachine(configuration: demo, flow: demo.flow(named: "greeting")!,
                    call: CallFacts(caller: caller, fromDomain: domain, dialled: "959999"), callID: "c1", trunk: "loopback")
    }

    /// Starts the flow and lets the welcome prompt finish; returns the machine waiting for the CRM.
    func pastWelcome(caller: String = "13912345678", domain: String = "example.net") -> FlowMachine {
        var m = machine(caller: caller, domain: domain)
        _ = m.start()
        _ = m.handle(.promptFinished(1))
        return m
    }

    /// Drives the CRM to its fallback by failing both attempts.
    func crmDown(_ m: inout FlowMachine) -> [FlowCommand] {
        _ = m.handle(.webhookAnswered(attempt: 1, .failed("connection refused")))
        return m.handle(.webhookAnswered(attempt: 2, .failed("connection refused")))
    }

    @Test("the call is answered and hears the welcome prompt with barge-in")
    func greeting() {
        var m = machine()
        #expect(m.start() == [.answer, .play(id: 1, prompts: [prompt("welcome")], bargeIn: true)])
        #expect(m.steps == ["greeting/welcome"])
    }

    @Test("after the welcome the CRM is asked, with the call's facts as JSON and a timer")
    func asksCRM() throws {
        var m = machine()
        _ = m.start()
        let commands = m.handle(.promptFinished(1))
        #expect(commands.count == 2)
        guard case .webhook(let request) = commands.first else {
            Issue.record("expected a webhook, got \(commands)")
            return
        }
        #expect(request.url == "http://127.0.0.1:8090/crm/route")
        #expect(request.attempt == 1)
        #expect(request.headers["Content-Type"] == "application/json")
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["caller"] as? String == "13912345678")
        #expect(body?["dialled"] as? String == "959999")
        #expect(body?["trunk"] as? String == "loopback")
        #expect(body?["call_id"] as? String == "c1")
        #expect(commands.last == .startTimer(.webhook, .seconds(2)))
    }

    @Test("a CRM answer picks the step: vip plays its announcement, then queues")
    func crmPicksStep() {
        var m = pastWelcome()
        let commands = m.handle(.webhookAnswered(attempt: 1, .response(status: 200, body: Array(#"{"next":"vip","variables":{"tier":"gold","score":7}}"#.utf8))))
        #expect(commands == [.cancelTimer(.webhook), .answer, .play(id: 2, prompts: [prompt("vip")], bargeIn: false)])
        #expect(m.variables["tier"] == "gold")
        #expect(m.variables["score"] == "7")
        #expect(m.handle(.promptFinished(2)) == [.connect(.queue("vip"))])
        #expect(m.queue == "vip")
        #expect(m.steps == ["greeting/welcome", "greeting/crm", "greeting/vip"])
    }

    @Test("a CRM answer naming a step outside its choices is no choice: the rules decide")
    func crmUnknownStep() {
        var m = pastWelcome(caller: "13800001111")
        let commands = m.handle(.webhookAnswered(attempt: 1, .response(status: 200, body: Array(#"{"next":"hangup-now"}"#.utf8))))
        // No choice: the next step (classify) routes the 138 caller to vip.
        #expect(commands == [.cancelTimer(.webhook), .answer, .play(id: 2, prompts: [prompt("vip")], bargeIn: false)])
    }

    @Test("a CRM answer may pick a queue directly, and say text first")
    func crmQueueAndSay() {
        var m = pastWelcome()
        let commands = m.handle(.webhookAnswered(attempt: 1, .response(status: 200, body: Array(#"{"queue":"enterprise","say":"您好"}"#.utf8))))
        #expect(commands == [.cancelTimer(.webhook), .answer, .play(id: 2, prompts: [.say(text: "您好", voice: "cmn")], bargeIn: false)])
        #expect(m.handle(.promptFinished(2)) == [.connect(.queue("enterprise"))])
    }

    @Test("a slow CRM: the attempt times out, one retry, then the fallback (the rules)")
    func crmTimeout() {
        var m = pastWelcome(caller: "13800001111")
        let retry = m.handle(.timerFired(.webhook))
        #expect(retry.count == 2)
        if case .webhook(let request) = retry.first { #expect(request.attempt == 2) } else { Issue.record("no retry: \(retry)") }
        // The first attempt's late answer is ignored.
        #expect(m.handle(.webhookAnswered(attempt: 1, .response(status: 200, body: Array(#"{"next":"default"}"#.utf8)))) == [])
        let fallback = m.handle(.timerFired(.webhook))
        #expect(fallback == [.answer, .play(id: 2, prompts: [prompt("vip")], bargeIn: false)])
        #expect(m.variables["webhook_result"] == "failed")
    }

    @Test("a failing CRM (5xx): retried, then the fallback")
    func crmServerError() {
        var m = pastWelcome(domain: "enterprise.com")
        let retry = m.handle(.webhookAnswered(attempt: 1, .response(status: 503, body: [])))
        #expect(retry.first == .cancelTimer(.webhook))
        if case .webhook(let request) = retry[1] { #expect(request.attempt == 2) } else { Issue.record("no retry: \(retry)") }
        let fallback = m.handle(.webhookAnswered(attempt: 2, .response(status: 500, body: [])))
        #expect(fallback == [.cancelTimer(.webhook), .answer, .play(id: 2, prompts: [prompt("please-hold")], bargeIn: false)])
        #expect(m.handle(.promptFinished(2)) == [.connect(.queue("enterprise"))])
    }

    @Test("a CRM answering garbage goes to the fallback at once, without a retry")
    func crmGarbage() {
        for body in ["<html>oops</html>", "[1,2]", #"{"next": 5}"#, ""] {
            var m = pastWelcome()
            let commands = m.handle(.webhookAnswered(attempt: 1, .response(status: 200, body: Array(body.utf8))))
            #expect(commands == [.cancelTimer(.webhook), .answer, .play(id: 2, prompts: [prompt("menu")], bargeIn: true)], "\(body)")
            #expect(m.variables["webhook_result"] == "unreadable")
        }
    }

    @Test("caller-ID routing when the CRM is down: 138… → vip, enterprise.com → enterprise, others → menu")
    func callerRouting() {
        var vip = pastWelcome(caller: "13812345678")
        #expect(crmDown(&vip).last == .play(id: 2, prompts: [prompt("vip")], bargeIn: false))
        var enterprise = pastWelcome(domain: "Enterprise.COM")
        #expect(crmDown(&enterprise).last == .play(id: 2, prompts: [prompt("please-hold")], bargeIn: false))
        var other = pastWelcome()
        #expect(crmDown(&other).last == .play(id: 2, prompts: [prompt("menu")], bargeIn: true))
        #expect(other.steps == ["greeting/welcome", "greeting/crm", "greeting/classify", "greeting/menu"])
    }

    /// A machine at the menu prompt (id 2).
    func atMenu() -> FlowMachine {
        var m = pastWelcome()
        _ = crmDown(&m)
        return m
    }

    @Test("menu: 1 → sales, 2 → after-sales, digits stop the prompt")
    func menuChoices() {
        var sales = atMenu()
        #expect(sales.handle(.digit("1")) == [.stopPlaying, .cancelTimer(.firstDigit), .cancelTimer(.interDigit), .answer, .connect(.queue("sales"))])
        #expect(sales.variables["digits"] == "1")
        var afterSales = atMenu()
        _ = afterSales.handle(.promptFinished(2))
        #expect(afterSales.handle(.digit("2")).last == .connect(.queue("after-sales")))
        #expect(afterSales.digits == "2")
    }

    @Test("menu: the first-digit timer starts when the prompt ends; no input twice → after-sales")
    func menuNoInput() {
        var m = atMenu()
        #expect(m.handle(.promptFinished(2)) == [.startTimer(.firstDigit, .seconds(5))])
        // Second try: the menu again (the demo has no no-input prompt).
        #expect(m.handle(.timerFired(.firstDigit)) == [.play(id: 3, prompts: [prompt("menu")], bargeIn: true)])
        #expect(m.handle(.promptFinished(3)) == [.startTimer(.firstDigit, .seconds(5))])
        #expect(m.handle(.timerFired(.firstDigit)) == [.answer, .connect(.queue("after-sales"))])
    }

    @Test("menu: an invalid choice plays the invalid prompt and the menu; twice → default queue")
    func menuInvalid() {
        var m = atMenu()
        let first = m.handle(.digit("7"))
        #expect(first.last == .play(id: 3, prompts: [prompt("invalid"), prompt("menu")], bargeIn: true))
        let second = m.handle(.digit("9"))
        #expect(second.last == .connect(.queue("default")))
        #expect(m.digits == "79")
        #expect(m.steps.last == "greeting/default")
    }

    @Test("a digit during the welcome barges in and is kept for the menu (type-ahead)")
    func typeAhead() {
        var m = machine()
        _ = m.start()
        let commands = m.handle(.digit("2"))
        #expect(commands.first == .stopPlaying)
        guard case .webhook = commands[1] else {
            Issue.record("expected the CRM after barge-in: \(commands)")
            return
        }
        // The CRM fails; the menu does not play because a digit is waiting: straight to after-sales.
        #expect(crmDown(&m).suffix(2) == [.answer, .connect(.queue("after-sales"))])
    }

    @Test("dial an extension: 0, then 8003 connects the agent as soon as four digits are in")
    func extensionValid() {
        var m = atMenu()
        let prompt = m.handle(.digit("0"))
        #expect(prompt.last == .play(id: 3, prompts: [self.prompt("enter-extension")], bargeIn: true))
        _ = m.handle(.digit("8"))
        _ = m.handle(.digit("0"))
        _ = m.handle(.digit("0"))
        #expect(m.handle(.digit("3")).last == .connect(.agent("8003")))
        #expect(m.variables["extension"] == "8003")
    }

    @Test("dial an extension: unknown → retry prompt, twice more → default queue")
    func extensionInvalid() {
        var m = atMenu()
        _ = m.handle(.digit("0"))
        for digit in "1234" { _ = m.handle(.digit(digit)) }
        let retry = m.handle(.digit("#"))
        #expect(retry.last == .play(id: 4, prompts: [prompt("no-such-extension"), prompt("enter-extension")], bargeIn: true))
        _ = m.handle(.promptFinished(4))
        #expect(m.handle(.timerFired(.firstDigit)).last == .play(id: 5, prompts: [prompt("no-such-extension"), prompt("enter-extension")], bargeIn: true))
        for digit in "77" { _ = m.handle(.digit(digit)) }
        #expect(m.handle(.timerFired(.interDigit)).last == .connect(.queue("default")))
    }

    @Test("a queue that gives up overflows to default; default giving up ends the call")
    func overflow() {
        var m = atMenu()
        _ = m.handle(.digit("1"))
        #expect(m.handle(.connectFailed("nobody answered")) == [.answer, .connect(.queue("default"))])
        #expect(m.handle(.connectFailed("nobody answered")) == [.hangup(.unreachable("no answer"))])
        #expect(m.isFinished)
    }

    @Test("once the caller hangs up nothing more happens")
    func callerHangsUp() {
        var m = atMenu()
        _ = m.handle(.promptFinished(2))
        #expect(m.callEnded() == [.cancelTimer(.firstDigit), .cancelTimer(.interDigit)])
        #expect(m.handle(.timerFired(.firstDigit)) == [])
        #expect(m.isFinished)
    }
}
