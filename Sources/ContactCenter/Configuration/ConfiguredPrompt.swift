import Foundation

/// What a prompt plays: a WAV file, or text spoken by espeak-ng (cached as WAV).
public enum ConfiguredPrompt: Sendable, Hashable, CustomStringConvertible {
    /// A WAV file; the path is already resolved against the configuration file that names it.
    case file(String)
    /// Text to speak, with the espeak-ng voice (default `cmn`, Mandarin).
    case say(text: String, voice: String)

    /// The espeak-ng voice used when none is given: Mandarin.
    public static let defaultVoice = "cmn"

    /// `say: text` in a configuration value: the text after the prefix, or `nil`.
    static func sayText(_ value: String) -> String? {
        guard value.hasPrefix("say:") else { return nil }
        return value.dropFirst(4).trimmingCharacters(in: .whitespaces)
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .say(let text, _): return "say: \(text)"
        }
    }
}

/// Where call records are kept.
public enum StoreConfiguration: Sendable, Equatable {
    /// An SQLite file; a relative path is inside the data directory.
    case sqlite(path: String)
    /// A PostgreSQL server (`postgres://user:password@host:5432/database`).
    case postgres(url: String)

    /// `hotline.sqlite` in the data directory.
    public static let `default` = StoreConfiguration.sqlite(path: "hotline.sqlite")
}
