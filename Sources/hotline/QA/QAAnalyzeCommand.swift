import ArgumentParser
import Foundation
import Quality

/// `hotline qa analyze FILE…`
struct QAAnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Inspect calls from transcript JSON files and/or stereo WAV recordings.",
        discussion: """
        A WAV file is analysed for voice activity, silence, overtalk, loudness and pitch; a transcript \
        with the same base name beside it is used for the words, else the recording is transcribed \
        when --asr-url is given. With several files, --format json prints one JSON object per line.
        """
    )

    @Argument(help: "Transcript (.json) and recording (.wav) files.")
    var files: [String]

    @Option(name: .long, help: "Output format: json or table.")
    var format: QAFormat = .table

    @OptionGroup var ruleOptions: QARuleOptions
    @OptionGroup var asr: QAASROptions

    func run() async throws {
        let processor: CallProcessor
        do {
            processor = CallProcessor(inspector: try ruleOptions.inspector(), transcriber: asr.transcriber())
        } catch {
            throw qaFailure(error)
        }
        let pack = processor.inspector.pack
        let calls = CallFiles.group(files.map { URL(fileURLWithPath: $0) })
        let unknown = files.filter { !["json", "wav", "wave"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        for file in unknown { qaPrintError("\(file): not a .json transcript or .wav recording") }
        var failures = unknown.count
        for (index, call) in calls.enumerated() {
            do {
                let result = try await processor.process(call)
                switch format {
                case .json: print(ResultFormatter.json(result, pretty: calls.count == 1))
                case .table:
                    if index > 0 { print(String(repeating: "═", count: 80)) }
                    print(ResultFormatter.table(result, pack: pack), terminator: "")
                }
            } catch {
                qaPrintError("\(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
