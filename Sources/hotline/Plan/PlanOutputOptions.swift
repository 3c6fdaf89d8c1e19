import ArgumentParser
import Foundation
import Planning

extension ReportFormat: ExpressibleByArgument {}

/// `--format` and `--output`, shared by the plan commands.
struct PlanOutputOptions: ParsableArguments {
    @Option(help: "Output format: table, json or html (a self-contained report with SVG charts).")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func emit(_ report: some PlanningReport) throws {
        let text = try report.render(format)
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }
}

/// Runs a planning step, turning model errors into a message without a stack of usage text.
func runPlanning<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as PlanningError {
        throw PlanCommandError(message: error.description)
    }
}

/// An error printed as `Error: <message>` with exit code 1.
struct PlanCommandError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Parses a service-level target option such as `0.8/20`.
func parsePlanTarget(_ text: String?) throws -> ServiceLevelTarget? {
    guard let text else { return nil }
    do {
        return try ServiceLevelTarget(parsing: text)
    } catch let error as PlanningError {
        throw ValidationError(error.description)
    }
}
