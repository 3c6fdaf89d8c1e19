import ArgumentParser
import Foundation
import Quality

/// `hotline qa evaluate [DIR]`
struct QAEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print precision and recall per rule on a labelled set of transcripts.",
        discussion: "Each transcript JSON carries \"expected\": [rule ids that must fire]; every other rule must not fire."
    )

    @Argument(help: "Folder of labelled transcripts.")
    var directory: String = "examples/qa/eval"

    @Option(name: .long, help: "Exit non-zero when some rule's precision is below this.")
    var minPrecision: Double?

    @Option(name: .long, help: "Exit non-zero when some rule's recall is below this.")
    var minRecall: Double?

    @Flag(name: .long, help: "List every disagreement between the labels and the inspector.")
    var verbose = false

    @Option(name: .long, help: "Output format: json or table.")
    var format: QAFormat = .table

    @OptionGroup var ruleOptions: QARuleOptions

    func run() async throws {
        let report: EvaluationReport
        do {
            report = try Evaluator.evaluate(directory: URL(fileURLWithPath: directory), inspector: try ruleOptions.inspector())
        } catch {
            throw qaFailure(error)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .table:
            print(report.table(), terminator: "")
            if verbose && !report.mistakes.isEmpty {
                print("\ndisagreements")
                for mistake in report.mistakes {
                    print("  \(mistake.call)  \(mistake.rule)  \(mistake.kind.rawValue)\(mistake.evidence.map { "  \($0)" } ?? "")")
                }
            }
        }
        let below = report.rulesBelow(precision: minPrecision ?? 0, recall: minRecall ?? 0)
        if !below.isEmpty {
            qaPrintError("below the bar: \(below.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }
}
