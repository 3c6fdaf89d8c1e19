import ArgumentParser
import Foundation
import Quality

/// `hotline qa batch DIR`
struct QABatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Inspect every call in a folder in parallel and summarise.",
        discussion: "Transcripts (.json) and recordings (.wav) with the same base name are one call."
    )

    @Argument(help: "Folder of call files (searched recursively).")
    var directory: String

    @Option(name: .long, help: "Calls inspected at once (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Write every call's result to this file, one JSON object per line.")
    var output: String?

    @Option(name: .long, help: "How many of the lowest-scoring calls to list.")
    var worst: Int = 10

    @Option(name: .long, help: "Summary format: json or table.")
    var format: QAFormat = .table

    @Flag(name: .long, help: "Do not draw the progress bar.")
    var quiet = false

    @OptionGroup var ruleOptions: QARuleOptions
    @OptionGroup var asr: QAASROptions

    func run() async throws {
        let processor: CallProcessor
        let calls: [CallFile]
        do {
            processor = CallProcessor(inspector: try ruleOptions.inspector(), transcriber: asr.transcriber())
            calls = try CallFiles.discover(in: URL(fileURLWithPath: directory))
        } catch {
            throw qaFailure(error)
        }
        if calls.isEmpty { throw QAFailure(description: "\(directory): no .json or .wav call files") }
        var sink: FileHandle?
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil), let handle = FileHandle(forWritingAtPath: output) else {
                throw QAFailure(description: "\(output): cannot write")
            }
            sink = handle
        }
        let bar = ProgressBar(total: calls.count)
        let started = Date()
        let showProgress = !quiet
        var results: [CallResult] = []
        var failures: [(String, String)] = []
        let width = max(1, jobs)
        await withTaskGroup(of: (Int, Result<CallResult, any Error>).self) { group in
            var next = 0
            func add() {
                let index = next
                let call = calls[index]
                group.addTask {
                    do { return (index, .success(try await processor.process(call))) } catch { return (index, .failure(error)) }
                }
                next += 1
            }
            while next < min(width, calls.count) { add() }
            var done = 0
            var lastDraw = Date.distantPast
            for await (index, outcome) in group {
                done += 1
                switch outcome {
                case .success(let result):
                    results.append(result)
                    sink?.write(Data((ResultFormatter.json(result, pretty: false) + "\n").utf8))
                case .failure(let error):
                    failures.append((calls[index].source, "\(error)"))
                }
                if next < calls.count { add() }
                if showProgress && (Date().timeIntervalSince(lastDraw) > 0.1 || done == calls.count) {
                    lastDraw = Date()
                    qaPrintError("\r" + bar.render(done: done, elapsed: Date().timeIntervalSince(started)), terminator: "")
                }
            }
        }
        if showProgress { qaPrintError("") }
        try? sink?.close()
        for (source, message) in failures { qaPrintError("\(source): \(message)") }
        let summary = BatchSummary.summarize(results, failedFiles: failures.count, pack: processor.inspector.pack, worst: worst)
        switch format {
        case .json: print(summary.json())
        case .table: print(summary.table(pack: processor.inspector.pack), terminator: "")
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
