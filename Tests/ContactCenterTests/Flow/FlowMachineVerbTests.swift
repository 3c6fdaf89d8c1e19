import ContactCenter
import Foundation
import Testing

/// Verbs the demo does not use: schedule, set, goto across flows, early media, transfer, voicemail,
/// gather without choices, and loop protection.
@Suite("Flow machine: verbs")
struct FlowMachineVerbTests {
    static let text = """
        hotline: {numbers: ["95123"], name: Test}
        trunks:
          carrier: {allow: [127.0.0.0/8]}
        numbers:
          inbound:
            - {number: "95123", flow: main}
        agents:
          - {extension: "801", password: secret-801}
        queues:
          support: {agents: ["801"]}
        flows:
          main:
            - name: hours
              schedule:
                hours: {mon-fri: "09:00-18:00", sat: closed, sun: closed}
                holidays: [2026-10-01]
                closed: night
                holiday: festival
            - set: {segment: day}
            - name: account
              gather: {prompt: "say: 请输入账号", max-digits: 6, terminator: "#", retries: 0}
            - goto: {flow: second, step: out}
            - name: night
              play: {prompt: "say: 下班了", early-media: true}
            - name: festival
              voicemail: {mailbox: general, max-length: 60s}
            - hangup
          second:
            - play: "say: 不会到这里"
            - name: out
              transfer: {to: "sip:desk@127.0.0.1:5070", timeout: 20s, failed: sorry}
            - name: sorry
              hangup:
          looping:
            - name: a
              goto: b
            - name: b
              goto: a
        """

    let configuration: HotlineConfiguration

    init() throws {
        configuration = try ConfigurationLoader(files: InMemoryFiles(["t.yaml": Self.text]), speechSynthesizerAvailable: true,
                                                checkPromptFiles: false).load("t.yaml")
    }

    /// Shanghai local time on a date.
    static func date(_ text: String) -> Date {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return f.date(from: text)!
    }

    func machine(at date: String, flow: String = "main") -> FlowMachine {
        let now = Self.date(date)
        return FlowMachine(configuration: configuration, flow: configuration.flow(named: flow)!,
                           call: CallFacts(caller: "13900000000", dialled: "95123"), callID: "x", trunk: "carrier",
                           now: { now })
    }

    @Test("open hours: set, then gather any digits up to the terminator into the variable, then goto another flow's step")
    func openHours() {
        var m = machine(at: "2026-11-30 10:00")   // a Monday
        #expect(m.start() == [.answer, .play(id: 1, prompts: [.say(text: "请输入账号", voice: "cmn")], bargeIn: true)])
        #expect(m.variables["segment"] == "day")
        _ = m.handle(.digit("4"))
        _ = m.handle(.digit("2"))
        let out = m.handle(.digit("#"))
        #expect(out.last == .connect(.transfer(.uri("sip:desk@127.0.0.1:5070"), timeout: .seconds(20))))
        #expect(m.variables["digits"] == "42")
        #expect(m.steps == ["main/hours", "main/set#2", "main/account", "main/goto#4", "second/out"])
        #expect(m.handle(.connectFailed("486 Busy Here")) == [.hangup(.completed)])
    }

    @Test("a gather with no choices and no input continues with the next step")
    func gatherNoInputContinues() {
        var m = machine(at: "2026-11-30 10:00")
        _ = m.start()
        _ = m.handle(.promptFinished(1))
        #expect(m.handle(.timerFired(.firstDigit)).last == .connect(.transfer(.uri("sip:desk@127.0.0.1:5070"), timeout: .seconds(20))))
        #expect(m.variables["digits"] == nil)
    }

    @Test("closed hours: early media plays without answering, then voicemail")
    func closed() {
        var m = machine(at: "2026-11-28 22:00")   // a Saturday
        #expect(m.start() == [.earlyMedia, .play(id: 1, prompts: [.say(text: "下班了", voice: "cmn")], bargeIn: false)])
        let voicemail = m.handle(.promptFinished(1))
        #expect(voicemail == [.answer, .voicemail(VoicemailAction(mailbox: "general", maxLength: .seconds(60)))])
        #expect(m.handle(.voicemailFinished) == [.hangup(.completed)])
    }

    @Test("a holiday takes the holiday branch even inside weekday hours")
    func holiday() {
        var m = machine(at: "2026-10-01 10:00")
        #expect(m.start() == [.answer, .voicemail(VoicemailAction(mailbox: "general", maxLength: .seconds(60)))])
        #expect(m.steps == ["main/hours", "main/festival"])
    }

    @Test("a flow that goes round without waiting is ended, not spun forever")
    func loop() {
        var m = machine(at: "2026-11-30 10:00", flow: "looping")
        #expect(m.start() == [.hangup(.loop)])
        #expect(m.isFinished)
    }
}
