import Foundation
import Testing
@testable import Planning

@Suite("Reports")
struct ReportTests {
    func ecommerce() throws -> CostComparison {
        let path = Repository.example("ecommerce-hotline.yaml")
        return try CostModel().compare(Scenario(contentsOf: path))
    }

    @Test func costTableShowsTotalsAndSaving() throws {
        let text = try ecommerce().render(.table)
        #expect(text.contains("Total"))
        #expect(text.contains("3,198,333"))
        #expect(text.contains("Saving: 2,265,250 CNY a year (70.8%)"))
    }

    @Test func costJSONCarriesLinesAndSizing() throws {
        let json = try ecommerce().render(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let lines = try #require(object["lines"] as? [[String: Any]])
        #expect(lines.count == 12)
        let sizing = try #require(object["sizing"] as? [String: Any])
        #expect(sizing["channels"] as? Int == 20)
    }

    @Test func htmlIsSelfContainedWithSVGCharts() throws {
        let html = try ecommerce().render(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("<style>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(html.contains("MLPS (等保) level-3 assessment"))
    }

    @Test func staffingHTMLDrawsOneColumnPerInterval() throws {
        let forecast = try ForecastCSV.read(CSVTable(contentsOf: Repository.example("forecast-week.csv")))
        let plan = try StaffingPlanner(goal: StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20))).plan(forecast)
        let html = try plan.render(.html)
        let columns = html.components(separatedBy: "<rect").count - 1
        #expect(columns >= 672)
        #expect(try plan.render(.table).contains("intervals of 15 min: 672"))
    }

    @Test func htmlEscapesText() {
        #expect(HTMLPage.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }

    @Test func erlangSummaries() throws {
        let b = try ErlangBSummary(solvedFor: "traffic", channels: 15, traffic: ErlangB.traffic(channels: 15, blocking: 0.01))
        #expect(try b.render(.table).contains("8.108"))
        let goal = try StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20), shrinkage: 0.3)
        let c = try ErlangCSummary(calls: 100, intervalSeconds: 1800, averageHandleTime: 180, goal: goal)
        let table = try c.render(.table)
        #expect(table.contains("88.8%") && table.contains("71.4%") && table.contains("17.4%"))
        #expect(try c.render(.json).contains("\"agents\" : 14"))
    }

    @Test func moneyFormatting() {
        #expect(Money.plain(3_198_333.4) == "3,198,333")
        #expect(Money.plain(-1_200) == "-1,200")
        #expect(Money.plain(999) == "999")
        #expect(Money.number(0.2) == "0.2")
        #expect(Money.percent(0.708) == "70.8%")
    }

    @Test func textTableAlignsCJK() {
        var table = TextTable(headers: ["line", "CNY"])
        table.add(["等保", "1"])
        table.add(["ab", "10"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines[2].displayWidth == lines[3].displayWidth)
    }
}
