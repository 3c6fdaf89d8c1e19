import ArgumentParser
import Foundation
import Quality

/// `hotline qa rules`
struct QARulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Print the built-in rule pack (or lexicon) as YAML, or check a rule pack file."
    )

    @Flag(name: .long, help: "Print the built-in sentiment lexicon instead.")
    var lexicon = false

    @Option(name: .long, help: "Check this rule pack file and list its rules.")
    var check: String?

    func run() async throws {
        if let check {
            do {
                let pack = try RulePack.load(contentsOf: URL(fileURLWithPath: check))
                _ = try QualityInspector(pack: pack)
                print("\(check): \(pack.rules.count) rules OK")
                for rule in pack.rules { print("  \(rule.id)  \(rule.severity.rawValue)  \(rule.points)\(rule.autoFail ? "  auto-fail" : "")  \(rule.name)") }
            } catch {
                throw qaFailure(error)
            }
            return
        }
        print(lexicon ? DefaultLexicon.yaml : DefaultRulePack.yaml)
    }
}
