import Foundation

/// Errors met while reading a transcript file.
public struct TranscriptError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads call transcripts from JSON in either accepted shape.
///
/// - The call form: `{"call_id", "duration", "segments": [{"speaker", "start", "end", "text"}]}`.
/// - Per-channel recogniser output: `{"call_id", "agent": <verbose_json>, "customer": <verbose_json>}`.
///
/// Unknown keys are ignored, so labelled evaluation files load as ordinary transcripts.
public enum TranscriptLoader {
    private struct PerChannel: Decodable {
        var callID: String?
        var duration: Double?
        var agent: VerboseTranscription
        var customer: VerboseTranscription
        enum CodingKeys: String, CodingKey { case callID = "call_id", duration, agent, customer }
    }

    private struct Probe: Decodable {
        var segments: [Probe.Part]?
        var agent: AnyKey?
        struct Part: Decodable { var speaker: String? }
        struct AnyKey: Decodable {}
    }

    /// Decodes a transcript; `fallbackID` names the call when the file has no `call_id`.
    public static func decode(_ data: Data, fallbackID: String, file: String = "<input>") throws -> Transcript {
        let decoder = JSONDecoder()
        do {
            let probe = try decoder.decode(Probe.self, from: data)
            if probe.agent != nil {
                let channels = try decoder.decode(PerChannel.self, from: data)
                let id = channels.callID ?? fallbackID
                return Transcript.merge(callID: id.isEmpty ? fallbackID : id, agent: channels.agent,
                                        customer: channels.customer, duration: channels.duration)
            }
            if let parts = probe.segments, !parts.isEmpty, parts.allSatisfy({ $0.speaker == nil }) {
                throw TranscriptError(file: file, message: "segments carry no speaker: give recogniser output per channel as {\"agent\": {...}, \"customer\": {...}}")
            }
            var transcript = try decoder.decode(Transcript.self, from: data)
            if transcript.callID.isEmpty { transcript.callID = fallbackID }
            return transcript
        } catch let error as TranscriptError {
            throw error
        } catch let error as DecodingError {
            throw TranscriptError(file: file, message: describe(error))
        } catch {
            throw TranscriptError(file: file, message: "\(error)")
        }
    }

    /// Reads and decodes a transcript file; the call id defaults to the file name without extension.
    public static func load(contentsOf url: URL) throws -> Transcript {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TranscriptError(file: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, fallbackID: url.deletingPathExtension().lastPathComponent, file: url.path)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \"\(key.stringValue)\" at \(path(context).isEmpty ? "top level" : path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(context.debugDescription) at \(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context).isEmpty ? "" : " at \(path(context))")"
        @unknown default: return "\(error)"
        }
    }
}
