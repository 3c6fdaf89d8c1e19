import ArgumentParser
import Foundation
import Quality

/// Output formats of `hotline qa`.
enum QAFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table
}

/// Options shared by the commands that inspect calls.
struct QARuleOptions: ParsableArguments {
    @Option(name: .long, help: "A rule pack YAML file (default: the built-in 95-hotline pack).")
    var rules: String?

    @Option(name: .long, help: "A sentiment lexicon YAML file (default: the built-in lexicon).")
    var lexicon: String?

    func pack() throws -> RulePack {
        try rules.map { try RulePack.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .standard
    }

    func inspector() throws -> QualityInspector {
        let lexicon = try self.lexicon.map { try SentimentLexicon.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .standard
        return try QualityInspector(pack: try pack(), lexicon: lexicon)
    }
}

/// Options for speech recognition of recordings that come without a transcript.
struct QAASROptions: ParsableArguments {
    @Option(name: .customLong("asr-url"), help: "Base URL of an OpenAI-compatible transcription server (POST /v1/audio/transcriptions).")
    var url: String?

    @Option(name: .customLong("asr-model"), help: "Model name sent to the transcription server.")
    var model: String = "whisper-1"

    @Option(name: .customLong("asr-language"), help: "Language of the calls.")
    var language: String = "zh"

    @Option(name: .customLong("asr-timeout"), help: "Seconds one transcription request may take.")
    var timeout: Double = 300

    @Option(name: .customLong("asr-concurrency"), help: "Transcription requests in flight at once.")
    var concurrency: Int = 4

    func transcriber() -> StereoTranscriber? {
        guard let url else { return nil }
        var configuration = ASRConfiguration(url: url, model: model, language: language, timeout: timeout, maxConcurrentRequests: concurrency)
        configuration.apiKey = ProcessInfo.processInfo.environment["HOTLINE_ASR_API_KEY"]
        return StereoTranscriber(service: OpenAITranscriptionClient(configuration: configuration))
    }
}

/// Writes to standard error.
func qaPrintError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// A failure reported as one line, without the usage text.
struct QAFailure: Error, CustomStringConvertible {
    var description: String
}

/// Turns library errors into a one-line message and a failing exit.
func qaFailure(_ error: any Error) -> any Error {
    QAFailure(description: "\(error)")
}
