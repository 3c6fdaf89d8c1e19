import ArgumentParser

/// `hotline qa …`: quality inspection of recordings and transcripts.
struct QACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qa",
        abstract: "Inspect recordings and transcripts for quality.",
        subcommands: [QAAnalyzeCommand.self, QABatchCommand.self, QAEvaluateCommand.self, QARulesCommand.self]
    )
}
