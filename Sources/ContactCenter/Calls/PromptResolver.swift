import Foundation
import Media
import NIOConcurrencyHelpers

/// Why a prompt could not be made playable.
public enum PromptError: Error, Sendable, CustomStringConvertible {
    case file(String)
    case speech(String)

    public var description: String {
        switch self {
        case .file(let message): "prompt: \(message)"
        case .speech(let message): "say: \(message)"
        }
    }
}

/// Turns configured prompts into audio the media engine plays: WAV files through the
/// ``PromptLibrary`` cache, `say:` text through espeak-ng, spoken once and cached as an 8 kHz
/// WAV file in the cache folder (named by a hash of voice and text).
public final class PromptResolver: Sendable {
    public let library: PromptLibrary
    public let cacheDirectory: String
    private let espeak: String?

    public init(library: PromptLibrary = PromptLibrary(convertsSampleRates: true), cacheDirectory: String,
                espeak: String? = SpeechSynthesizer.executablePath()) {
        self.library = library
        self.cacheDirectory = cacheDirectory
        self.espeak = espeak
    }

    public func source(for prompt: ConfiguredPrompt) throws(PromptError) -> PromptSource {
        switch prompt {
        case .file(let path):
            do { return try library.load(path: path) } catch { throw .file(error.description) }
        case .say(let text, let voice):
            let path = try spoken(text, voice: voice)
            do { return try library.load(path: path) } catch { throw .speech(error.description) }
        }
    }

    /// The cached WAV file of `text`, made with espeak-ng when absent.
    func spoken(_ text: String, voice: String) throws(PromptError) -> String {
        let name = Self.cacheName(text: text, voice: voice)
        let path = cacheDirectory + "/" + name
        if FileManager.default.fileExists(atPath: path) { return path }
        guard let espeak else { throw .speech("\(SpeechSynthesizer.program) is not installed") }
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            let temporary = path + ".\(UUID().uuidString).tmp"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: espeak)
            process.arguments = ["-v", voice, "-w", temporary, "--", text]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw PromptError.speech("\(SpeechSynthesizer.program) exited with \(process.terminationStatus)")
            }
            // espeak-ng speaks at 22,050 Hz; the library converts to 8 kHz on load.
            if rename(temporary, path) != 0 { throw PromptError.speech("cannot write \(path)") }
            return path
        } catch let error as PromptError {
            throw error
        } catch {
            throw .speech("\(error)")
        }
    }

    /// A stable file name for a voice and text (FNV-1a, 64 bits).
    static func cacheName(text: String, voice: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (voice + "\u{0}" + text).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return "say-" + String(hash, radix: 16) + ".wav"
    }
}
