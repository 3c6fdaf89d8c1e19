import Foundation
import Testing
@testable import Planning

@Suite("Cost model")
struct CostTests {
    func compare(_ file: String) throws -> CostComparison {
        let path = Repository.example(file)
        let scenario = try Scenario(contentsOf: path)
        let prices = try scenario.prices.map { try PriceBook(contentsOf: Scenario.resolve($0, relativeTo: path)) } ?? .standard
        return try CostModel(prices: prices).compare(scenario)
    }

    // Published per-item cases of 95-hotline migrations (the planning issue):
    // financial trunks 240,000 → 48,000; logistics IVR 230,000 → 35,000; education QA 12 → 3 people,
    // saving 648,000; health IT 820,000 → 280,000; level-3 assessment 250,000 → 80,000.
    @Test func financialTrunks() throws {
        let c = try compare("financial-trunks.yaml")
        #expect(c.total.baseline == 240_000)
        #expect(c.total.hotline == 48_000)
        #expect(c.sizing.channels == 20)
        #expect(c.reproducesPublished == true)
    }

    @Test func logisticsIVR() throws {
        let c = try compare("logistics-ivr.yaml")
        #expect(c.total == PerSetup(baseline: 230_000, hotline: 35_000))
    }

    @Test func educationQA() throws {
        let c = try compare("education-qa.yaml")
        #expect(c.sizing.qaReviewers == PerSetup(baseline: 12, hotline: 3))
        #expect(c.saving == 648_000)
        #expect(c.reproducesPublished == true)
    }

    @Test func healthIT() throws {
        #expect(try compare("health-it.yaml").total == PerSetup(baseline: 820_000, hotline: 280_000))
    }

    @Test func level3Assessment() throws {
        #expect(try compare("level3-assessment.yaml").total == PerSetup(baseline: 250_000, hotline: 80_000))
    }

    @Test func wholeEcommerceHotlineIsAbout3point2Million() throws {
        let c = try compare("ecommerce-hotline.yaml")
        #expect(c.total.baseline > 3_100_000 && c.total.baseline < 3_300_000)
        #expect(abs(c.total.baseline - 3_198_333.33) < 1)
        #expect(Set(c.groups) == Set(CostGroup.allCases))
        #expect(c.sizing.agents?.agents == 14)
        #expect(c.sizing.agents?.staff == 20)
        #expect(c.sizing.channels == 20)
        #expect(c.savingShare > 0.5)
        let groupSum = c.groups.reduce(0) { $0 + c.total($1).baseline }
        #expect(abs(groupSum - c.total.baseline) < 1e-6)
    }

    @Test func theShippedPriceBookIsTheStandardOne() throws {
        #expect(try PriceBook(contentsOf: Repository.example("prices.yaml"), base: PriceBook()) == PriceBook.standard)
    }

    @Test func pricesAreEditable() throws {
        let book = try PriceBook(yaml: "trunks:\n  sip_channel_per_month: 150\n", source: "p.yaml")
        #expect(book.trunks.sipChannelPerMonth == 150)
        #expect(book.trunks.priCircuitPerMonth == 8_000)
        let path = Repository.example("financial-trunks.yaml")
        let c = try CostModel(prices: book).compare(Scenario(contentsOf: path))
        #expect(c.total.hotline == 20 * 150 * 12)
    }

    @Test func unknownKeysAndBadValuesPointAtTheLine() {
        #expect(throws: PlanningError.invalidInput(
            source: "p.yaml", line: 3,
            message: "trunks.sip_chanel_per_month: unknown key; expected one of pri_circuit_per_month, pri_channels_per_circuit, pri_gateway_per_circuit_per_month, sip_channel_per_month")) {
            try PriceBook(yaml: "currency: CNY\ntrunks:\n  sip_chanel_per_month: 150\n", source: "p.yaml")
        }
        #expect(throws: PlanningError.invalidInput(source: "p.yaml", line: 2, message: "seats.software_per_month: 'cheap' is not a number")) {
            try PriceBook(yaml: "seats:\n  software_per_month: cheap\n", source: "p.yaml")
        }
        #expect(throws: PlanningError.self) {
            try Scenario(yaml: "name: x\ntrunks:\n  baseline: pri\n  hotline: isdn\n", source: "s.yaml")
        }
        #expect(throws: PlanningError.self) {
            try Scenario(yaml: "name: x\ntraffic:\n  service_level: 1.5/20\n", source: "s.yaml")
        }
        #expect(throws: PlanningError.self) { try Scenario(yaml: "traffic: {}\n", source: "s.yaml") }
    }

    @Test func channelsAreSizedWhenNotGiven() throws {
        let yaml = """
            name: sized
            traffic: {busy_hour_calls: 600, aht_seconds: 180, blocking: 0.01}
            trunks: {baseline: pri, hotline: sip}
            """
        let c = try CostModel().compare(Scenario(yaml: yaml, source: "s.yaml"))
        // 30 E at 1% needs 42 channels: 2 PRI circuits against 42 SIP channels.
        #expect(c.sizing.channels == 42)
        #expect(c.total.baseline == 2 * 10_000 * 12)
        #expect(c.total.hotline == 42 * 200 * 12)
    }

    @Test func aForecastProfileSizesAgentsAndChannelsAtItsPeak() throws {
        let yaml = """
            name: profiled
            traffic:
              profile: forecast-week.csv
              service_level: 80/20
              shrinkage: 0.3
              blocking: 0.01
            trunks: {baseline: pri, hotline: sip}
            seats: {baseline: traditional, hotline: software}
            """
        let scenario = try Scenario(yaml: yaml, source: "s.yaml")
        let forecast = try ForecastCSV.read(CSVTable(contentsOf: Repository.example(try #require(scenario.traffic?.profile))))
        let c = try CostModel().compare(scenario, forecast: forecast)
        let plan = try StaffingPlanner(goal: try #require(scenario.traffic?.goal), blocking: 0.01).plan(forecast)
        #expect(c.sizing.agents == plan.peak?.requirement)
        #expect(c.sizing.channels == plan.peakChannels)
        #expect(c.sizing.seats == plan.peak?.requirement.staff)
        #expect(abs((c.sizing.annualCalls ?? 0) - forecast.totalCalls / 7 * 365) < 1e-6)
        let seats = try #require(c.lines.first { $0.key == "seats" })
        #expect(seats.annual.baseline == Double(plan.peak?.requirement.staff ?? 0) * 3_000 * 12)
    }

    @Test func missingSizingInputsAreExplained() throws {
        let scenario = try Scenario(yaml: "name: x\ntrunks: {baseline: pri, hotline: sip}\n", source: "s.yaml")
        #expect(throws: PlanningError.self) { try CostModel().compare(scenario) }
    }
}
