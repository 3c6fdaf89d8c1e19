import ArgumentParser
import Planning

/// `hotline plan cost`: the traditional baseline against Hotline for a scenario.
struct PlanCostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Annual cost of a scenario: PRI + own room against Hotline.",
        discussion: """
            The scenario file states the traffic, the targets and which option each side \
            uses; channels, agents and QA reviewers are sized from it. Prices come from the \
            scenario's `prices:` file, else --prices, else the standard price book \
            (examples/planning/prices.yaml spells it out). Examples ship in examples/planning/.
            """)

    @Option(help: "Scenario YAML file.")
    var scenario: String

    @Option(help: "Price book YAML over the standard prices (overrides the scenario's `prices:`).")
    var prices: String?

    @OptionGroup var output: PlanOutputOptions

    func run() throws {
        let comparison = try runPlanning { () throws -> CostComparison in
            let scenario = try Scenario(contentsOf: self.scenario)
            var book = PriceBook.standard
            if let path = prices {
                book = try PriceBook(contentsOf: path)
            } else if let path = scenario.prices {
                book = try PriceBook(contentsOf: Scenario.resolve(path, relativeTo: self.scenario))
            }
            var forecast: Forecast?
            if let profile = scenario.traffic?.profile {
                forecast = try ForecastCSV.read(CSVTable(contentsOf: Scenario.resolve(profile, relativeTo: self.scenario)))
            }
            return try CostModel(prices: book).compare(scenario, forecast: forecast)
        }
        try output.emit(comparison)
    }
}
