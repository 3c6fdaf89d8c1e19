import ContactCenter
import Foundation
import Media
import Testing

@Suite("Prompts for calls")
struct PromptResolverTests {
    @Test("say: text is spoken by espeak-ng once, cached as WAV and played at 8 kHz",
          .enabled(if: SpeechSynthesizer.isInstalled(), "espeak-ng is not installed (.ci/run installs it)"))
    func speech() throws {
        let folder = NSTemporaryDirectory() + "hotline-say-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let resolver = PromptResolver(cacheDirectory: folder)
        guard case .audio(let samples) = try resolver.source(for: .say(text: "您好，欢迎致电", voice: "cmn")) else {
            Issue.record("not audio")
            return
        }
        // About a second of speech at 8 kHz, not silence.
        #expect(samples.count > 4_000 && samples.count < 40_000)
        #expect(samples.contains { abs(Int($0)) > 1_000 })
        let cached = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".wav") }
        #expect(cached.count == 1)
        // A second resolver (a restart) finds the cached file instead of speaking again.
        let again = PromptResolver(cacheDirectory: folder, espeak: nil)
        #expect(try again.source(for: .say(text: "您好，欢迎致电", voice: "cmn")) == .audio(samples))
    }

    @Test("say: without espeak-ng is a clear error, and a missing file names the file")
    func errors() {
        let resolver = PromptResolver(cacheDirectory: NSTemporaryDirectory() + "hotline-none-" + UUID().uuidString, espeak: nil)
        #expect(throws: PromptError.self) { try resolver.source(for: .say(text: "x", voice: "cmn")) }
        do {
            _ = try resolver.source(for: .file("/nonexistent/prompt.wav"))
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description.contains("/nonexistent/prompt.wav"))
        }
    }
}
