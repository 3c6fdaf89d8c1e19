import ContactCenter
import Testing

/// A broken piece of configuration (in `extra.yaml`, included by a valid `main.yaml`) and exactly
/// the diagnostics it must produce.
struct BrokenConfiguration: CustomTestStringConvertible, Sendable {
    let name: String
    let extra: String
    let expected: [String]
    var files: [String: String] = [:]
    var speech = true

    var testDescription: String { name }
}

@Suite("Configuration diagnostics")
struct ConfigurationDiagnosticsTests {
    static let cases: [BrokenConfiguration] = [
        BrokenConfiguration(name: "empty include is valid", extra: "# nothing\n", expected: []),
        BrokenConfiguration(name: "unknown top-level key with a suggestion", extra: """
            queus:
              other: {agents: ["801"]}
            """, expected: ["extra.yaml:1:1: unknown key 'queus' in the configuration (did you mean 'queues'?)"]),
        BrokenConfiguration(name: "unknown key in a trunk", extra: """
            trunks:
              second:
                allow: [198.51.100.7]
                chanels: 30
            """, expected: ["extra.yaml:4:5: unknown key 'chanels' in trunk 'second' (did you mean 'channels'?)"]),
        BrokenConfiguration(name: "wrong types", extra: """
            trunks:
              second:
                allow: [198.51.100.7]
                channels: many
                price: {per-minute: cheap}
                outbound: 3
            """, expected: [
                "extra.yaml:4:15: 'channels' should be a whole number, not 'many'",
                "extra.yaml:5:25: 'per-minute' should be a number, not 'cheap'",
                "extra.yaml:6:15: 'outbound' should be a mapping of keys, not '3'",
            ]),
        BrokenConfiguration(name: "missing required keys", extra: """
            trunks:
              second:
                channels: 2
            agents:
              - {name: 张三, password: x}
            """, expected: [
                "extra.yaml:3:5: missing required key 'allow' in trunk 'second'",
                "extra.yaml:5:5: missing required key 'extension' in an agent",
            ]),
        BrokenConfiguration(name: "bad CIDRs, IPv4 and IPv6", extra: """
            trunks:
              second:
                allow: [10.0.0.1/8, 10.0.0.0/33, "2001:db8::/129", "2001:db8::/32", 300.1.1.1, "fe80::1%eth0"]
            """, expected: [
                "extra.yaml:3:13: '10.0.0.1/8' has host bits set; the block is 10.0.0.0/8",
                "extra.yaml:3:25: '10.0.0.0/33' is not an IP address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)",
                "extra.yaml:3:38: '2001:db8::/129' is not an IP address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)",
                "extra.yaml:3:73: '300.1.1.1' is not an IP address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)",
            ]),
        BrokenConfiguration(name: "dangling references from numbers and queues", extra: """
            numbers:
              inbound:
                - {number: "02150001000", flow: mian}
                - {number: "02150001001", queue: sale}
                - {number: "02150001002", agent: "803"}
            queues:
              other: {agents: ["809"], skills: [suport]}
            """, expected: [
                "extra.yaml:3:37: unknown flow 'mian' (did you mean 'main'?)",
                "extra.yaml:4:38: unknown queue 'sale' (did you mean 'sales'?)",
                "extra.yaml:5:38: unknown agent '803' (did you mean '801'?)",
                "extra.yaml:7:20: unknown agent '809' (did you mean '801'?)",
                "extra.yaml:7:37: no agent has skill 'suport' (did you mean 'support'?)",
            ]),
        BrokenConfiguration(name: "dangling references inside flows", extra: """
            flows:
              other:
                - play: helo
                - route:
                    - {caller-in: vips, goto: a}
                    - {caller-prefix: "139", goto: nowhere}
                - name: a
                  queue: suport
                - goto: {flow: mian}
            """, expected: [
                "extra.yaml:3:13: unknown prompt 'helo' (did you mean 'hello'?)",
                "extra.yaml:5:23: unknown list 'vips' (did you mean 'vip'?)",
                "extra.yaml:6:40: unknown step 'nowhere'",
                "extra.yaml:8:14: unknown queue 'suport' (did you mean 'support'?)",
                "extra.yaml:9:20: unknown flow 'mian' (did you mean 'main'?)",
            ]),
        BrokenConfiguration(name: "unreachable steps", extra: """
            flows:
              other:
                - play: hello
                - queue: sales
                - name: lost
                  play: hello
                - hangup
            """, expected: [
                "extra.yaml:5:7: step 'lost' of flow 'other' is unreachable",
                "extra.yaml:7:7: step hangup #4 of flow 'other' is unreachable",
            ]),
        BrokenConfiguration(name: "overlapping number ranges and duplicate numbers", extra: """
            numbers:
              virtual:
                - {from: "02150001000", to: "02150001999", queue: sales}
                - {from: "02150001900", to: "02150002000", queue: sales}
                - {number: "95123", flow: main}
            """, expected: [
                "extra.yaml:4:7: numbers 02150001900–02150002000 overlap 02150001000–02150001999 (at extra.yaml:3:7): both include 02150001900",
                "extra.yaml:5:7: duplicate number 95123 (already mapped at main.yaml:11:7)",
            ]),
        BrokenConfiguration(name: "duplicate extensions and extension ranges", extra: """
            agents:
              - {extension: "801", password: again}
            numbers:
              extensions:
                - {extension: "802", queue: sales}
                - {from: "850", to: "899", queue: support}
                - {from: "870", to: "870", flow: main}
                - {extension: "12345", flow: main}
            """, expected: [
                "extra.yaml:2:17: duplicate extension 801 (already at main.yaml:14:17)",
                "extra.yaml:5:7: duplicate extension 802 (agent 802 at main.yaml:15:17)",
                "extra.yaml:7:7: extensions 870–870 overlap 850–899 (at extra.yaml:6:7): both include 870",
                "extra.yaml:8:19: extension '12345' should be 3 or 4 digits",
            ]),
        BrokenConfiguration(name: "bad regular expression", extra: """
            flows:
              other:
                - route:
                    - {caller-regex: "^(138", goto: end}
                - name: end
                  hangup:
            """, expected: ["extra.yaml:4:26: '^(138' is not a valid regular expression"]),
        BrokenConfiguration(name: "bad times and dates", extra: """
            flows:
              other:
                - schedule:
                    hours:
                      mon-fri: ["09:00-12:00", "13:00-25:00"]
                      sat: "18:00-09:00"
                      weekend: "10:00-12:00"
                    holidays: [2025-10-01, 2025-02-30]
                    closed: end
                - play: hello
                - name: end
                  hangup:
            """, expected: [
                "extra.yaml:5:36: '13:00-25:00' is not a time range such as 09:00-18:00 (HH:MM-HH:MM, end after start, up to 24:00)",
                "extra.yaml:6:16: '18:00-09:00' is not a time range such as 09:00-18:00 (HH:MM-HH:MM, end after start, up to 24:00)",
                "extra.yaml:7:11: 'weekend' is not a weekday or range of weekdays (mon … sun, e.g. mon-fri, or daily)",
                "extra.yaml:8:32: '2025-02-30' is not a date such as 2025-10-01",
            ]),
        BrokenConfiguration(name: "prompt files that do not exist, relative to the file naming them", extra: """
            prompts:
              bye: sounds/bye.wav
            flows:
              other:
                - play: ../missing.wav
                - play: bye
            """, expected: [
                "extra.yaml:2:8: prompt file 'sounds/bye.wav' not found (looked for sounds/bye.wav)",
                "extra.yaml:5:13: prompt file '../missing.wav' not found (looked for ../missing.wav)",
            ]),
        BrokenConfiguration(name: "say: prompts without espeak-ng", extra: """
            prompts:
              closed: "say: 现在是下班时间"
            flows:
              other:
                - play: "say: 您好"
            """, expected: [
                "extra.yaml:2:11: 'say:' prompts need espeak-ng, which is not installed (apt-get install espeak-ng), or use a WAV file",
                "extra.yaml:5:13: 'say:' prompts need espeak-ng, which is not installed (apt-get install espeak-ng), or use a WAV file",
            ], speech: false),
        BrokenConfiguration(name: "gather choices, terminator and verbs", extra: """
            flows:
              other:
                - gather:
                    max-digits: 1
                    terminator: x
                    choices: {"1": a, "12": a, "9a": a}
                - name: a
                  play: hello
                  gather: {}
                - plya: hello
                - hangup: now
            """, expected: [
                "extra.yaml:5:21: 'terminator' should be one keypad key (\"#\", \"*\" or a digit) or none",
                "extra.yaml:6:27: choice '12' is longer than max-digits (1)",
                "extra.yaml:6:36: choice '9a' should be keypad digits (0-9, * or #)",
                "extra.yaml:7:7: step 'a' has more than one verb: play, gather",
                "extra.yaml:10:7: step has no verb: expected one of play, gather, route, schedule, webhook, extension, queue, transfer, voicemail, set, goto, hangup",
                "extra.yaml:10:7: unknown key 'plya' in a step (did you mean 'play'?)",
                "extra.yaml:11:15: 'hangup' takes no value",
            ]),
        BrokenConfiguration(name: "webhook, transfer and store", extra: """
            flows:
              other:
                - webhook: {url: "ftp://crm", timeout: soon}
                - transfer: {number: "02112345678", trunk: carier}
                - transfer: "tel:123"
            store: "mysql://db"
            """, expected: [
                "extra.yaml:3:22: 'ftp://crm' is not an http:// or https:// URL",
                "extra.yaml:3:44: 'timeout' should be a duration such as 5s, 500ms or 2m, not 'soon'",
                "extra.yaml:4:48: unknown trunk 'carier' (did you mean 'carrier'?)",
                "extra.yaml:5:17: 'tel:123' is neither a SIP URI (sip:user@host) nor a phone number",
                "extra.yaml:6:8: unsupported store 'mysql://db': use an SQLite file name or a postgres:// URL",
            ]),
        BrokenConfiguration(name: "sections defined twice across files", extra: """
            hotline:
              numbers: ["95123"]
            flows:
              main:
                - hangup
            queues:
              sales: {agents: ["801"]}
            """, expected: [
                "extra.yaml:1:1: 'hotline' is already defined at main.yaml:1:1",
                "extra.yaml:4:3: flow 'main' is already defined at main.yaml:24:3",
                "extra.yaml:7:3: queue 'sales' is already defined at main.yaml:17:3",
            ]),
        BrokenConfiguration(name: "trunks whose allow-lists overlap", extra: """
            trunks:
              second:
                allow: [203.0.113.128/25, 198.51.100.1]
            """, expected: [
                "extra.yaml:3:13: 203.0.113.128/25 overlaps 203.0.113.0/24 of trunk 'carrier' (at main.yaml:6:3): a call's trunk must be clear from its address",
            ]),
        BrokenConfiguration(name: "steps defined twice and next on a step that does not continue", extra: """
            flows:
              other:
                - name: a
                  play: hello
                - name: a
                  hangup:
                - name: b
                  queue: sales
                  next: a
            """, expected: [
                "extra.yaml:5:7: step 'a' is already defined at extra.yaml:3:7",
                "extra.yaml:7:7: 'next' has no effect on a 'queue' step, which does not continue",
            ]),
        BrokenConfiguration(name: "choices containing the terminator; virtual numbers of the wrong length", extra: """
            numbers:
              virtual:
                - {from: "02150008000", to: "02150008999", extension-digits: 4}
            flows:
              other:
                - gather: {max-digits: 2, choices: {"1#": a, "#": a}}
                - name: a
                  gather: {max-digits: 1, choices: {"#": b}}
                - name: b
                  hangup:
            """, expected: [
                "extra.yaml:3:7: no extension has 4 digits, so these numbers lead nowhere",
                "extra.yaml:6:41: choice '1#' contains the terminator '#', which ends input; set another terminator or none",
                "extra.yaml:6:50: choice '#' contains the terminator '#', which ends input; set another terminator or none",
            ]),
        BrokenConfiguration(name: "duplicate keys", extra: "lists:\n  a: [\"1\"]\n  a: [\"2\"]\n", expected: [
            "extra.yaml:2:3: duplicate key 'a' in a mapping",
        ]),
        BrokenConfiguration(name: "queues nobody can serve", extra: """
            queues:
              both: {skills: [sales, support]}
              none: {agents: []}
            """, expected: [
                "extra.yaml:2:3: no agent has all the skills of queue 'both': sales, support",
                "extra.yaml:3:3: queue 'none' has no agents: list 'agents' or 'skills'",
            ]),
        BrokenConfiguration(name: "steps reached from another flow are reachable", extra: """
            flows:
              other:
                - hangup
                - name: entry
                  play: hello
                - goto: {flow: third, step: deep}
              third:
                - goto: {flow: other, step: entry}
                - name: deep
                  goto: {flow: third}
            """, expected: []),
        BrokenConfiguration(name: "YAML syntax error", extra: """
            flows:
              other:
                - play: [hello
            """, expected: ["extra.yaml:4:1: not valid YAML: did not find expected ',' or ']' while parsing a flow sequence"]),
    ]

    @Test("each broken configuration gives exactly its diagnostics", arguments: cases)
    func diagnostics(_ broken: BrokenConfiguration) {
        let actual = ConfigurationFixture.diagnostics(extra: broken.extra, files: broken.files, speech: broken.speech)
        #expect(actual == broken.expected)
    }

    @Test("the base configuration is valid and its summary counts what it holds")
    func baseIsValid() throws {
        let check = ConfigurationFixture.check()
        #expect(check.diagnostics == [])
        let configuration = try #require(check.configuration)
        #expect(configuration.summary == "hotline 95123 (Test), 1 trunk, 1 inbound number, 2 extensions, 0 virtual numbers, 2 agents, 2 queues, 1 flow (2 steps), 1 prompt, store: SQLite hotline.sqlite")
    }

    @Test("a file with several problems reports them all, sorted by file and line")
    func sortedAcrossFiles() {
        let diagnostics = ConfigurationFixture.diagnostics(extra: """
            flows:
              other:
                - queue: nope
            """, files: ["main.yaml": ConfigurationFixture.main.replacingOccurrences(of: "name: Test", with: "nmae: Test")])
        #expect(diagnostics == [
            "extra.yaml:3:14: unknown queue 'nope'",
            "main.yaml:3:3: unknown key 'nmae' in 'hotline' (did you mean 'name'?)",
        ])
    }

    @Test("missing sections and a file that is not a mapping")
    func missingSections() {
        #expect(ConfigurationFixture.load("hotline:\n  numbers: [\"95123\"]\n").diagnostics.map(\.description) == [
            "hotline.yaml:1:1: missing required key 'flows' in the configuration",
            "hotline.yaml:1:1: missing required key 'numbers' in the configuration",
            "hotline.yaml:1:1: missing required key 'trunks' in the configuration",
            "hotline.yaml:2:13: 95 number 95123 has no entry in numbers.inbound",
        ])
        #expect(ConfigurationFixture.load("- a\n- b\n").diagnostics.map(\.description) == [
            "hotline.yaml:1:1: a configuration file should be a mapping of sections (hotline, trunks, numbers, flows, …), not a list",
        ])
        let missing = ConfigurationLoader(files: InMemoryFiles([:])).check("nowhere.yaml")
        #expect(missing.diagnostics.map(\.description) == ["nowhere.yaml:1:1: cannot read the configuration file"])
    }

    @Test("a 95 number must be 95 and 3 or 4 digits")
    func hotlineNumbers() {
        #expect(HotlineSettings.isHotlineNumber("95599"))
        #expect(HotlineSettings.isHotlineNumber("959999"))
        #expect(!HotlineSettings.isHotlineNumber("9599999"))
        #expect(!HotlineSettings.isHotlineNumber("9559"))
        #expect(!HotlineSettings.isHotlineNumber("40012345"))
    }
}
