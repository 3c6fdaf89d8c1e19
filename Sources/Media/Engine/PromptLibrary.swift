import NIOConcurrencyHelpers

/// Why a prompt file could not be loaded. Every case names the file.
public enum PromptLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read or is not a WAV file this engine reads.
    case unreadable(path: String, WAVError)
    /// The file is not 8 kHz (and the library does not convert rates, or cannot convert this one).
    case unsupportedSampleRate(path: String, rate: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, error): "prompt \(path): \(error)"
        case let .unsupportedSampleRate(path, rate):
            "prompt \(path) is sampled at \(rate) Hz; prompts must be 8000 Hz mono (PCM 16-bit, A-law or µ-law)"
        }
    }
}

/// Prompt audio read from WAV files once and kept: each file is read with
/// ``WAV/read(path:)`` and turned into 8 kHz mono with
/// ``WAVAudio/narrowbandMono()`` (several channels are averaged).
///
/// Thread-safe. Loading reads the file (blocking I/O): load prompts at
/// start or off the event loop; later loads of the same path are a lookup.
public final class PromptLibrary: Sendable {
    private let cache = NIOLockedValueBox<[String: PromptSource]>([:])
    /// Whether files at rates above 8 kHz are converted (otherwise they are refused).
    public let convertsSampleRates: Bool

    /// A library that refuses files not at 8 kHz, or converts higher rates when `convertsSampleRates`.
    public init(convertsSampleRates: Bool = false) {
        self.convertsSampleRates = convertsSampleRates
    }

    /// The prompt in the WAV file at `path` (PCM 16-bit, A-law or µ-law; 8 kHz unless rates are converted).
    public func load(path: String) throws(PromptLibraryError) -> PromptSource {
        if let cached = cache.withLockedValue({ $0[path] }) { return cached }
        let audio: WAVAudio
        do { audio = try WAV.read(path: path) } catch { throw .unreadable(path: path, error) }
        guard audio.sampleRate == 8000 || convertsSampleRates else { throw .unsupportedSampleRate(path: path, rate: audio.sampleRate) }
        let samples: [Int16]
        do { samples = try audio.narrowbandMono() } catch {
            if case .unsupportedSampleRate = error { throw .unsupportedSampleRate(path: path, rate: audio.sampleRate) }
            throw .unreadable(path: path, error)
        }
        let prompt = PromptSource.audio(samples)
        return cache.withLockedValue { cache in
            if let raced = cache[path] { return raced }
            cache[path] = prompt
            return prompt
        }
    }

    /// Forgets a cached prompt (the file changed); the next load reads it again.
    public func evict(path: String) {
        _ = cache.withLockedValue { $0.removeValue(forKey: path) }
    }

    /// Forgets every cached prompt (a configuration reload).
    public func removeAll() {
        cache.withLockedValue { $0.removeAll() }
    }

    /// Prompts held.
    public var count: Int { cache.withLockedValue { $0.count } }
}
