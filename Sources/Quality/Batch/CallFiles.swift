import Foundation

/// The files of one call: a transcript, a stereo recording, or both (same base name).
public struct CallFile: Sendable, Equatable {
    public var id: String
    public var transcript: URL?
    public var recording: URL?

    public init(id: String, transcript: URL? = nil, recording: URL? = nil) {
        self.id = id
        self.transcript = transcript
        self.recording = recording
    }

    /// The paths, for messages and the `source` of results.
    public var source: String {
        [transcript, recording].compactMap { $0?.path }.joined(separator: " + ")
    }
}

/// Finds call files and groups them into calls.
public enum CallFiles {
    static let transcriptExtensions: Set<String> = ["json"]
    static let recordingExtensions: Set<String> = ["wav", "wave"]

    /// Groups files into calls; `x.json` and `x.wav` in the same folder are one call.
    /// A recording named alone is joined by its transcript when one lies beside it.
    public static func group(_ urls: [URL], lookBeside: Bool = true) -> [CallFile] {
        var order: [String] = []
        var calls: [String: CallFile] = [:]
        for url in urls {
            let ext = url.pathExtension.lowercased()
            let key = url.deletingPathExtension().standardizedFileURL.path
            var call = calls[key] ?? CallFile(id: url.deletingPathExtension().lastPathComponent)
            if transcriptExtensions.contains(ext) {
                call.transcript = url
            } else if recordingExtensions.contains(ext) {
                call.recording = url
                if lookBeside, call.transcript == nil {
                    let beside = url.deletingPathExtension().appendingPathExtension("json")
                    if FileManager.default.fileExists(atPath: beside.path) { call.transcript = beside }
                }
            } else {
                continue
            }
            if calls[key] == nil { order.append(key) }
            calls[key] = call
        }
        return order.compactMap { calls[$0] }
    }

    /// Every call under a folder (recursively), in path order.
    public static func discover(in directory: URL) throws -> [CallFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TranscriptError(file: directory.path, message: "not a folder")
        }
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var urls: [URL] = []
        for case let url as URL in walker {
            let ext = url.pathExtension.lowercased()
            if transcriptExtensions.contains(ext) || recordingExtensions.contains(ext) { urls.append(url) }
        }
        urls.sort { $0.path < $1.path }
        return group(urls, lookBeside: false)
    }
}

/// Reads a call's files and inspects it: transcript, voice analysis, and (for a recording
/// without a transcript) speech recognition when a transcriber is configured.
public struct CallProcessor: Sendable {
    public let inspector: QualityInspector
    public var voiceAnalyzer = VoiceAnalyzer()
    public var transcriber: StereoTranscriber?

    public init(inspector: QualityInspector, transcriber: StereoTranscriber? = nil) {
        self.inspector = inspector
        self.transcriber = transcriber
    }

    public func process(_ call: CallFile) async throws -> CallResult {
        var transcript = try call.transcript.map { try TranscriptLoader.load(contentsOf: $0) }
        var acoustics: AcousticAnalysis?
        if let recording = call.recording {
            let audio = try WAVFile.read(contentsOf: recording)
            acoustics = voiceAnalyzer.analyze(audio)
            if transcript == nil, let transcriber {
                transcript = try await transcriber.transcribe(audio, callID: call.id)
            }
        }
        return inspector.inspect(transcript: transcript, acoustics: acoustics,
                                 callID: transcript?.callID ?? call.id, source: call.source)
    }
}
