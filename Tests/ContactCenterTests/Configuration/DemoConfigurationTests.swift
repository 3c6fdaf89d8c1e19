import ContactCenter
import Foundation
import Testing

@Suite("The demo hotline")
struct DemoConfigurationTests {
    let examples = ConfigurationFixture.examplesDirectory

    func loadDemo() throws -> HotlineConfiguration {
        try ConfigurationLoader(speechSynthesizerAvailable: false).load(examples + "/demo.yaml")
    }

    @Test("examples/demo.yaml validates with no diagnostics, without needing espeak-ng")
    func validates() throws {
        let check = ConfigurationLoader(speechSynthesizerAvailable: false).check(examples + "/demo.yaml")
        #expect(check.diagnostics.map(\.description) == [])
        #expect(check.configuration?.files == [examples + "/demo.yaml", examples + "/demo/flows.yaml"])
    }

    @Test("the embedded demo is the text of examples/demo.yaml and the file it includes")
    func embeddedTextMatchesFiles() throws {
        #expect(DemoConfiguration.mainFile == (try String(contentsOfFile: examples + "/demo.yaml", encoding: .utf8)))
        #expect(DemoConfiguration.flowsFile == (try String(contentsOfFile: examples + "/demo/flows.yaml", encoding: .utf8)))
    }

    @Test("the embedded demo loads without the files and equals the file on disk")
    func embeddedLoads() throws {
        let embedded = try DemoConfiguration.load(examplesDirectory: examples, speechSynthesizerAvailable: false)
        let fromDisk = try loadDemo()
        #expect(embedded == fromDisk)
        // Without a folder holding the prompts it still loads (prompt paths are then unchecked).
        let bare = try DemoConfiguration.load(examplesDirectory: nil, speechSynthesizerAvailable: false)
        #expect(bare.hotline.numbers == ["959999"])
    }

    @Test("the demo's facts: 95 number, loopback-only trunk, agents 8001–8005 with their passwords")
    func facts() throws {
        let demo = try loadDemo()
        #expect(demo.hotline.numbers == [DemoConfiguration.hotlineNumber])
        #expect(demo.hotline.timeZone.identifier == "Asia/Shanghai")
        #expect(demo.trunks.count == 1)
        #expect(demo.trunks[0].allow.map(\.description) == ["127.0.0.0/8", "::1"])
        #expect(demo.trunk(admitting: "127.0.0.1") != nil)
        #expect(demo.trunk(admitting: "127.8.9.10") != nil)
        #expect(demo.trunk(admitting: "::1") != nil)
        #expect(demo.trunk(admitting: "[::1]") != nil)
        #expect(demo.trunk(admitting: "192.168.1.10") == nil)
        #expect(demo.trunk(admitting: "::2") == nil)
        #expect(demo.agents.map(\.extension) == ["8001", "8002", "8003", "8004", "8005"])
        #expect(demo.agents.map(\.password) == ["demo-8001", "demo-8002", "demo-8003", "demo-8004", "demo-8005"])
        #expect(demo.destination(forDialled: "959999") == .flow("greeting"))
        #expect(demo.destination(forDialled: "02150008003") == .agent("8003"))
        #expect(demo.destination(forDialled: "02150008006") == nil)
        #expect(demo.destination(forExtension: "8005") == .agent("8005"))
        #expect(demo.destination(forExtension: "8006") == nil)
        #expect(demo.store == .sqlite(path: "hotline.sqlite"))
        for queue in demo.queues {
            #expect(!queue.members(from: demo.agents).isEmpty, "queue \(queue.name) has members")
        }
    }

    @Test("the greeting: welcome, CRM override, 138 → VIP, enterprise.com → enterprise, else the menu")
    func greetingFlow() throws {
        let demo = try loadDemo()
        let flow = try #require(demo.flow(named: "greeting"))
        #expect(flow.unreachableSteps() == [])
        guard case .play(let welcome) = flow.steps[0].action else { Issue.record("first step plays"); return }
        #expect(welcome.prompt == .file(examples + "/prompts/welcome.wav"))
        guard case .webhook(let crm) = try #require(flow.step(named: "crm")).action else { Issue.record("crm"); return }
        #expect(crm.answerSteps == ["vip", "enterprise", "default", "menu"])
        #expect(crm.fallback == "classify")
        guard case .route(let route) = try #require(flow.step(named: "classify")).action else { Issue.record("route"); return }
        func routed(_ caller: String, _ domain: String) -> String? {
            route.firstMatch(for: CallFacts(caller: caller, fromDomain: domain, dialled: "959999"), lists: demo.lists)?.goto
        }
        #expect(routed("13812345678", "carrier.example") == "vip")
        #expect(routed("13812345678", "enterprise.com") == "vip")
        #expect(routed("13912345678", "ENTERPRISE.com") == "enterprise")
        #expect(routed("13912345678", "example.com") == nil)
        // No match continues with the next step: the menu.
        let classify = try #require(flow.index(of: "classify"))
        #expect(flow.steps[try #require(flow.stepAfter(classify))].name == "menu")
        guard case .gather(let menu) = try #require(flow.step(named: "menu")).action else { Issue.record("menu"); return }
        #expect(menu.outcome(for: "1") == .choice("sales"))
        #expect(menu.outcome(for: "2") == .choice("after-sales"))
        #expect(menu.outcome(for: "0") == .choice("dial-extension"))
        #expect(menu.outcome(for: "7") == .invalid)
        #expect(menu.outcome(for: "") == .noInput)
        #expect(menu.retries == 1) // no input twice → after-sales
        #expect(menu.noInput == "after-sales")
        for (step, queue) in [("sales", "sales"), ("after-sales", "after-sales"), ("vip", "vip"),
                              ("enterprise", "enterprise"), ("default", "default")] {
            guard case .queue(let action) = try #require(flow.step(named: step)).action else {
                Issue.record("\(step) is a queue step")
                continue
            }
            #expect(action.queue == queue)
        }
    }

    @Test("the shipped prompts are short 8 kHz mono 16-bit PCM WAV files", arguments: [
        "welcome", "menu", "invalid", "enter-extension", "no-such-extension", "vip", "please-hold",
    ])
    func prompts(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: examples + "/prompts/\(name).wav"))
        #expect(data.count < 100_000)
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        #expect(String(decoding: data[0..<4], as: UTF8.self) == "RIFF")
        #expect(String(decoding: data[8..<16], as: UTF8.self) == "WAVEfmt ")
        #expect(u16(20) == 1)      // PCM
        #expect(u16(22) == 1)      // mono
        #expect(u32(24) == 8000)   // 8 kHz
        #expect(u16(34) == 16)     // 16-bit
        let seconds = Double(data.count - 44) / 16_000
        #expect(seconds > 0.5 && seconds < 6)
    }
}
