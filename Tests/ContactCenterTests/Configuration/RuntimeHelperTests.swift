import ContactCenter
import Foundation
import Testing

@Suite("Helpers the call engine uses")
struct RuntimeHelperTests {
    let lists = ["vip": NumberList(name: "vip", entries: ["13900001111", "1860000*"],
                                   location: SourceLocation(file: "t", line: 1, column: 1))]

    func rule(_ conditions: [RouteCondition], _ goto: String) -> RouteRule {
        RouteRule(conditions: conditions, goto: goto, location: SourceLocation(file: "t", line: 1, column: 1))
    }

    @Test("route rules: first match wins; every condition of a rule must hold")
    func routeRules() throws {
        let route = RouteAction(rules: [
            rule([.callerInList("vip")], "vip"),
            rule([.callerPrefix(["138"])], "vip-138"),
            rule([.fromDomain(["enterprise.com", "*.corp.example"]), .dialled(["959999"])], "enterprise"),
            rule([.callerRegex(try RegexPattern("^1[3-9][0-9]{9}$"))], "mobile"),
            rule([.dialledPrefix(["0215000"])], "virtual"),
        ])
        func pick(_ caller: String, _ domain: String = "carrier.net", _ dialled: String = "959999") -> String? {
            route.firstMatch(for: CallFacts(caller: caller, fromDomain: domain, dialled: dialled), lists: lists)?.goto
        }
        #expect(pick("13900001111") == "vip")
        #expect(pick("18600001234") == "vip")
        #expect(pick("13812345678") == "vip-138")
        #expect(pick("02112345678", "Enterprise.COM") == "enterprise")
        #expect(pick("02112345678", "sales.corp.example") == "enterprise")
        #expect(pick("02112345678", "corp.example") == nil)
        #expect(pick("02112345678", "enterprise.com", "95888") == nil)
        #expect(pick("15912345678") == "mobile")
        #expect(pick("021", "x", "02150001234") == "virtual")
        #expect(pick("unknown") == nil)
    }

    @Test("business hours in the schedule's time zone, with holidays and make-up workdays")
    func businessHours() throws {
        let weekday = [TimeRange("09:00-12:00")!, TimeRange("13:00-18:00")!]
        let hours = BusinessHours(
            timeZone: TimeZone(identifier: "Asia/Shanghai")!,
            weekly: [.mon: weekday, .tue: weekday, .wed: weekday, .thu: weekday, .fri: weekday, .sat: [TimeRange("10:00-24:00")!]],
            holidays: [LocalDate("2025-10-01")!], workdays: [LocalDate("2025-09-28")!])
        func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
        #expect(hours.isOpen(at: at("2025-09-29T01:00:00Z")))       // Monday 09:00 in Shanghai
        #expect(!hours.isOpen(at: at("2025-09-29T00:59:00Z")))      // Monday 08:59
        #expect(!hours.isOpen(at: at("2025-09-29T04:30:00Z")))      // Monday 12:30, lunch
        #expect(!hours.isOpen(at: at("2025-09-29T10:00:00Z")))      // Monday 18:00 (end excluded)
        #expect(hours.isOpen(at: at("2025-09-27T15:59:00Z")))       // Saturday 23:59
        #expect(!hours.isOpen(at: at("2025-09-27T16:00:00Z")))      // Sunday 00:00
        #expect(hours.isOpen(at: at("2025-09-28T02:00:00Z")))       // Sunday 10:00, a make-up workday
        #expect(!hours.isOpen(at: at("2025-10-01T02:00:00Z")))      // Wednesday, National Day
        #expect(hours.isHoliday(at("2025-09-30T16:30:00Z")))        // 00:30 on 1 October in Shanghai
        let schedule = ScheduleAction(hours: hours, closed: "closed", holiday: "holiday")
        #expect(schedule.branch(at: at("2025-09-29T02:00:00Z")) == nil)
        #expect(schedule.branch(at: at("2025-09-29T12:00:00Z")) == "closed")
        #expect(schedule.branch(at: at("2025-10-01T02:00:00Z")) == "holiday")
    }

    @Test("schedules read from YAML use the hotline's time zone unless they name one")
    func scheduleFromYAML() throws {
        let configuration = try #require(ConfigurationFixture.check(extra: """
            flows:
              other:
                - schedule:
                    hours: {mon-fri: ["09:00-18:00"], sat: closed}
                    closed: closed
                - queue: sales
                - name: closed
                  hangup:
              abroad:
                - schedule: {time-zone: Europe/Berlin, hours: {daily: "00:00-24:00"}}
            """).configuration)
        guard case .schedule(let schedule) = configuration.flow(named: "other")?.steps[0].action else {
            Issue.record("a schedule step")
            return
        }
        #expect(schedule.hours.timeZone.identifier == "Asia/Shanghai")
        #expect(schedule.hours.weekly[.wed] == [TimeRange("09:00-18:00")!])
        #expect(schedule.hours.weekly[.sat] == [])
        #expect(schedule.hours.weekly[.sun] == nil)
        guard case .schedule(let abroad) = configuration.flow(named: "abroad")?.steps[0].action else {
            Issue.record("a schedule step")
            return
        }
        #expect(abroad.hours.timeZone.identifier == "Europe/Berlin")
        #expect(abroad.hours.weekly.count == 7)
    }

    @Test("times, ranges and dates")
    func timesAndDates() {
        #expect(TimeOfDay("9:05")?.minutes == 545)
        #expect(TimeOfDay("24:00")?.minutes == 1440)
        #expect(TimeOfDay("24:01") == nil)
        #expect(TimeOfDay("12:60") == nil)
        #expect(TimeOfDay("1200") == nil)
        #expect(TimeRange("18:00-09:00") == nil)
        #expect(TimeRange("09:00 - 18:00")?.description == "09:00-18:00")
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2025-02-29") == nil)
        #expect(LocalDate("2025-1-01") == nil)
    }

    @Test("IP address blocks, IPv4 and IPv6")
    func addressRanges() throws {
        let loopback = try #require(IPAddressRange("127.0.0.0/8"))
        #expect(loopback.contains("127.0.0.1"))
        #expect(loopback.contains("127.255.255.255"))
        #expect(loopback.contains("::ffff:127.0.0.1"))
        #expect(!loopback.contains("128.0.0.1"))
        #expect(!loopback.contains("::1"))
        #expect(!loopback.contains("not an address"))
        let six = try #require(IPAddressRange("2001:db8::/32"))
        #expect(six.contains("2001:db8:1::5"))
        #expect(six.contains("[2001:db8::1]"))
        #expect(!six.contains("2001:db9::1"))
        #expect(six.description == "2001:db8::/32")
        #expect(IPAddressRange("::1")?.contains("::1") == true)
        #expect(IPAddressRange("fe80::1%eth0")?.contains("fe80::1") == true)
        #expect(IPAddressRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
        #expect(IPAddressRange("10.0.0.1/8") == nil)
        #expect(IPAddressRange.networkContaining("10.0.0.1/8")?.description == "10.0.0.0/8")
        #expect(IPAddressRange("10.0.0.0/8")!.overlaps(IPAddressRange("10.20.0.0/16")!))
        #expect(IPAddressRange("10.20.0.0/16")!.overlaps(IPAddressRange("10.0.0.0/8")!))
        #expect(!IPAddressRange("10.0.0.0/16")!.overlaps(IPAddressRange("10.1.0.0/16")!))
        #expect(!IPAddressRange("::/0")!.overlaps(IPAddressRange("0.0.0.0/0")!))
        #expect(IPAddressRange("1.2.3") == nil)
        #expect(IPAddressRange("1.2.3.4/") == nil)
    }

    @Test("unreachable steps follow branches and fall-through")
    func reachability() {
        let here = SourceLocation(file: "t", line: 1, column: 1)
        let flow = Flow(name: "f", steps: [
            FlowStep(name: "menu", action: .gather(GatherAction(choices: [GatherChoice(digits: "1", step: "sales")],
                                                               noInput: "bye", invalid: "bye")), location: here),
            FlowStep(name: "lost", action: .play(PlayAction(prompt: .file("x.wav"))), location: here),
            FlowStep(name: "sales", action: .queue(QueueAction(queue: "sales", overflow: "vm")), location: here),
            FlowStep(name: "after-queue", action: .hangup, location: here),
            FlowStep(name: "vm", action: .voicemail(VoicemailAction(mailbox: "sales")), location: here),
            FlowStep(name: "bye", action: .hangup, location: here),
        ], location: here)
        #expect(flow.unreachableSteps() == [1, 3])
        #expect(flow.stepAfter(4) == 5)
        #expect(flow.stepAfter(5) == nil)
    }

    @Test("gather outcomes")
    func gatherOutcomes() {
        let collect = GatherAction(maxDigits: 8)
        #expect(collect.outcome(for: "12345678") == .accepted)
        #expect(collect.outcome(for: "") == .noInput)
        let menu = GatherAction(choices: [GatherChoice(digits: "1", step: "a"), GatherChoice(digits: "*", step: "b")])
        #expect(menu.outcome(for: "*") == .choice("b"))
        #expect(menu.outcome(for: "2") == .invalid)
    }

    @Test("durations, costs, outbound order")
    func smallThings() throws {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1h") == .seconds(3600))
        #expect(DurationText.parse("7") == .seconds(7))
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.parse("soon") == nil)
        let price = TrunkPricing(perMinute: 0.06, perChannelPerMonth: 50)
        #expect(price.cost(ofCallSeconds: 0) == 0)
        #expect(abs(price.cost(ofCallSeconds: 61) - 0.12) < 1e-9)
        let configuration = try #require(ConfigurationFixture.check(extra: """
            trunks:
              backup: {allow: [198.51.100.0/24], proxy: 198.51.100.1, outbound: {priority: 2}}
              heavy: {allow: ["2001:db8::/32"], proxy: "[2001:db8::1]:5060", outbound: {priority: 1, weight: 300}}
              inbound-only: {allow: [192.0.2.1]}
            """).configuration)
        #expect(configuration.outboundTrunks.map(\.name) == ["heavy", "carrier", "backup"])
        #expect(configuration.trunk(admitting: "2001:db8::77")?.name == "heavy")
        #expect(configuration.trunk(admitting: "192.0.2.1")?.name == "inbound-only")
        #expect(configuration.trunk(admitting: "192.0.2.2") == nil)
    }
}

@Suite("Diagnostics as values")
struct DiagnosticValueTests {
    @Test("diagnostics sort by file, line and column, print as file:line:column: message, and encode as JSON")
    func diagnostics() throws {
        let a = ConfigurationDiagnostic(SourceLocation(file: "b.yaml", line: 2, column: 1), "x")
        let b = ConfigurationDiagnostic(SourceLocation(file: "a.yaml", line: 10, column: 5), "y")
        let c = ConfigurationDiagnostic(SourceLocation(file: "a.yaml", line: 9, column: 7), "z")
        let error = ConfigurationError(diagnostics: [a, b, c])
        #expect(error.description == "a.yaml:9:7: z\na.yaml:10:5: y\nb.yaml:2:1: x")
        let json = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(ConfigurationDiagnostic.self, from: json) == c)
    }

    @Test("did-you-mean suggestions stay close")
    func suggestions() {
        let loader = ConfigurationFixture.diagnostics(extra: "trunks:\n  t:\n    allow: [192.0.2.1]\n    zzzzzz: 1\n")
        #expect(loader == ["extra.yaml:4:5: unknown key 'zzzzzz' in trunk 't'"])
    }
}
