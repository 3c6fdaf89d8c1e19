import ArgumentParser
import ContactCenter
import Foundation

/// `hotline check-config FILE`: validates a configuration and the files it includes.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and the files it includes.",
        discussion: """
            Every problem is printed as file:line:column: message and the command exits with status 1. \
            A valid file prints a one-line summary and exits with status 0.
            """)

    @Argument(help: "The configuration file (YAML).")
    var file: String

    func run() throws {
        let check = ConfigurationLoader().check(file)
        guard let configuration = check.configuration else {
            var standardError = StandardError()
            for diagnostic in check.diagnostics {
                print(diagnostic, to: &standardError)
            }
            let count = check.diagnostics.count
            print("\(file): \(count) \(count == 1 ? "error" : "errors")", to: &standardError)
            throw ExitCode.failure
        }
        print("\(file): valid — \(configuration.summary)")
    }
}

/// Standard error as a `TextOutputStream`.
private struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
