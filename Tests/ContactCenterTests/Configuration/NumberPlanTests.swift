import ContactCenter
import Foundation
import Testing

@Suite("Number plan")
struct NumberPlanTests {
    static let plan = """
        numbers:
          inbound:
            - {number: "02150000000", queue: support}
          extensions:
            - {from: "500", to: "599", queue: sales}
            - {extension: "600", flow: main}
          virtual:
            - {from: "02150001000", to: "02150001999", extension-digits: 3}
            - {numbers: ["4008001234", "+862150009999"], agent: "802"}
        """

    @Test("a 95 number fronting hundreds of extensions and virtual numbers")
    func destinations() throws {
        let configuration = try #require(ConfigurationFixture.check(extra: Self.plan).configuration)
        #expect(configuration.destination(forDialled: "95123") == .flow("main"))
        #expect(configuration.destination(forDialled: "02150000000") == .queue("support"))
        #expect(configuration.destination(forDialled: "02150001801") == .agent("801"))
        #expect(configuration.destination(forDialled: "02150001555") == .queue("sales"))
        #expect(configuration.destination(forDialled: "02150001600") == .flow("main"))
        #expect(configuration.destination(forDialled: "02150001700") == nil) // no such extension
        #expect(configuration.destination(forDialled: "+862150009999") == .agent("802"))
        #expect(configuration.destination(forDialled: "02150002000") == nil)
        #expect(configuration.destination(forExtension: "802") == .agent("802"))
        #expect(configuration.destination(forExtension: "512") == .queue("sales"))
        #expect(configuration.destination(forExtension: "5123") == nil)
        #expect(configuration.extensionCount == 2 + 100 + 1)
        #expect(configuration.summary.contains("1002 virtual numbers"))
    }

    @Test("every kind of clash between numbers is reported once, at the later entry")
    func clashes() {
        #expect(ConfigurationFixture.diagnostics(extra: """
            numbers:
              virtual:
                - {numbers: ["02150000001", "02150000002", "02150000001"], queue: sales}
                - {from: "02150000000", to: "02150000009", queue: sales}
                - {number: "02150000005", queue: sales}
              extensions:
                - {from: "800", to: "899", queue: sales}
            """) == [
                "extra.yaml:3:7: duplicate number 02150000001 (already mapped at extra.yaml:3:7)",
                "extra.yaml:4:7: numbers 02150000000–02150000009 include 02150000001 (already mapped at extra.yaml:3:7)",
                "extra.yaml:5:7: number 02150000005 is inside 02150000000–02150000009 (at extra.yaml:4:7)",
                "extra.yaml:7:7: extensions 800–899 include 801 (agent 801 at main.yaml:14:17)",
            ])
    }

    @Test("ten thousand listed virtual numbers check quickly and resolve")
    func manyNumbers() throws {
        let numbers = (0..<10_000).map { "\"0215\(String(format: "%07d", $0))\"" }.joined(separator: ", ")
        let check = ConfigurationFixture.check(extra: "numbers:\n  virtual:\n    - {numbers: [\(numbers)], queue: sales}\n")
        #expect(check.diagnostics == [])
        #expect(check.configuration?.destination(forDialled: "02150009999") == .queue("sales"))
    }

    @Test("number sets: membership, size and overlap")
    func numberSets() {
        let range = NumberSet.range(from: "02150001000", to: "02150001999")
        #expect(range.contains("02150001000"))
        #expect(range.contains("02150001999"))
        #expect(!range.contains("02150002000"))
        #expect(!range.contains("2150001500")) // different length
        #expect(!range.contains("0215000150x"))
        #expect(range.count == 1000)
        #expect(range.firstOverlap(with: .range(from: "02150001999", to: "02150003000")) == "02150001999")
        #expect(range.firstOverlap(with: .range(from: "02150002000", to: "02150003000")) == nil)
        #expect(range.firstOverlap(with: .list(["1", "02150001234"])) == "02150001234")
        #expect(NumberSet.list(["600"]).firstOverlap(with: .range(from: "500", to: "599")) == nil)
    }

    @Test("range checks: same length, ascending, digits", arguments: [
        ("{from: \"1000\", to: \"999\", flow: main}", "extra.yaml:3:26: 'from' and 'to' should have the same number of digits (1000 has 4, 999 has 3)"),
        ("{from: \"900\", to: \"800\", flow: main}", "extra.yaml:3:25: 'to' (800) is below 'from' (900)"),
        ("{from: \"900\", flow: main}", "extra.yaml:3:7: a number range needs both 'from' and 'to'"),
        ("{extension: \"12a\", flow: main}", "extra.yaml:3:19: extension '12a' should be 3 or 4 digits"),
        ("{extension: \"700\"}", "extra.yaml:3:7: missing where the extension leads: one of 'flow', 'queue', 'agent'"),
        ("{extension: \"700\", flow: main, queue: sales}", "extra.yaml:3:7: expected only one of 'flow', 'queue', 'agent'"),
    ])
    func rangeChecks(entry: String, expected: String) {
        let diagnostics = ConfigurationFixture.diagnostics(extra: "numbers:\n  extensions:\n    - \(entry)\n")
        #expect(diagnostics == [expected])
    }
}
