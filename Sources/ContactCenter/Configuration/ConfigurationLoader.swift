import Foundation
import Yams

/// The outcome of checking a configuration: the configuration when it is usable, and every problem found.
public struct ConfigurationCheck: Sendable {
    /// `nil` when there is at least one diagnostic.
    public var configuration: HotlineConfiguration?
    /// Sorted by file, line and column.
    public var diagnostics: [ConfigurationDiagnostic]
}

/// Reads a configuration file and the files it includes, and validates the whole at once.
///
/// ```swift
/// let configuration = try ConfigurationLoader().load("hotline.yaml")
/// ```
public struct ConfigurationLoader: Sendable {
    /// Where files are read from.
    public var files: any ConfigurationFiles
    /// Whether `say:` prompts can be spoken (espeak-ng is installed); when not, each `say:` is an error.
    public var speechSynthesizerAvailable: Bool
    /// Whether prompt files must exist.
    public var checkPromptFiles: Bool
    /// Values for `${NAME}` in secrets (passwords, webhook URLs and headers, the PostgreSQL URL).
    public var environment: [String: String]

    public init(files: any ConfigurationFiles = DiskFiles(),
                speechSynthesizerAvailable: Bool = SpeechSynthesizer.isInstalled(),
                checkPromptFiles: Bool = true,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.files = files
        self.speechSynthesizerAvailable = speechSynthesizerAvailable
        self.checkPromptFiles = checkPromptFiles
        self.environment = environment
    }

    /// Loads and validates `path`; throws every problem at once.
    public func load(_ path: String) throws(ConfigurationError) -> HotlineConfiguration {
        let check = check(path)
        guard let configuration = check.configuration else {
            throw ConfigurationError(diagnostics: check.diagnostics)
        }
        return configuration
    }

    /// Loads and validates `path`, returning the configuration (when valid) and the diagnostics.
    public func check(_ path: String) -> ConfigurationCheck {
        let reader = ConfigurationReader(loader: self)
        let configuration = reader.read(path)
        let diagnostics = reader.log.sorted
        return ConfigurationCheck(configuration: diagnostics.isEmpty ? configuration : nil, diagnostics: diagnostics)
    }
}

/// Finding espeak-ng, which speaks `say:` prompts.
public enum SpeechSynthesizer {
    /// The program that speaks `say:` prompts.
    public static let program = "espeak-ng"

    /// Whether `espeak-ng` is on the `PATH`.
    public static func isInstalled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        executablePath(environment: environment) != nil
    }

    /// The full path of `espeak-ng`, if it is on the `PATH`.
    public static func executablePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The top-level sections of a configuration file.
enum ConfigurationSection: String, CaseIterable {
    case hotline, trunks, numbers, agents, queues, flows, lists, prompts, store, api, quality
}

/// One reading of a configuration: loads the files, then reads the sections in dependency order,
/// reporting every problem into `log`.
final class ConfigurationReader {
    let loader: ConfigurationLoader
    let log = DiagnosticLog()
    var sections: [ConfigurationSection: [YAMLValue]] = [:]
    /// Where each section's key is written, parallel to `sections`.
    var sectionKeys: [ConfigurationSection: [SourceLocation]] = [:]
    private var rootIsMapping = false
    var filesRead: [String] = []
    private(set) var rootFile = ""

    // Read so far, for references.
    var hotline = HotlineSettings(numbers: [], name: "")
    var prompts: [String: ConfiguredPrompt] = [:]
    var promptLocations: [String: SourceLocation] = [:]
    var lists: [String: NumberList] = [:]
    var trunks: [Trunk] = []
    var agents: [Agent] = []
    var queues: [Queue] = []
    var flowNames: [String: SourceLocation] = [:]
    var inboundNumbers: [NumberSet] = []
    var extensionPlan: [NumberMapping] = []

    init(loader: ConfigurationLoader) {
        self.loader = loader
    }

    func read(_ path: String) -> HotlineConfiguration? {
        rootFile = path
        loadFile(path, includedAt: nil, chain: [])
        guard rootIsMapping else { return nil }
        let root = SourceLocation(file: path, line: 1, column: 1)
        for section in [ConfigurationSection.hotline, .trunks, .numbers, .flows] where sections[section, default: []].isEmpty {
            log.report(root, "missing required key '\(section.rawValue)' in the configuration")
        }
        let hotlineSettings = readHotline()
        let store = readStore()
        let api = readApi()
        let quality = readQuality()
        readPrompts()
        readLists()
        readTrunks()
        readAgents()
        readQueues()
        collectFlowNames()
        let numbers = readNumbers()
        let flows = readFlows()
        if let hotlineSettings { checkHotlineNumbers(hotlineSettings, numbers: numbers) }
        return HotlineConfiguration(
            hotline: hotlineSettings ?? hotline, trunks: trunks, numbers: numbers, agents: agents, queues: queues,
            flows: flows, lists: lists, prompts: prompts, store: store, api: api, quality: quality, files: filesRead)
    }

    // MARK: Files and includes

    private func loadFile(_ path: String, includedAt: SourceLocation?, chain: [String]) {
        guard let text = loader.files.read(path) else {
            if let includedAt {
                log.report(includedAt, "cannot read included file '\(path)'")
            } else {
                log.report(SourceLocation(file: path, line: 1, column: 1), "cannot read the configuration file")
            }
            return
        }
        filesRead.append(path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            reportSyntaxError(error, file: path)
            return
        } catch {
            log.report(SourceLocation(file: path, line: 1, column: 1), "not valid YAML: \(error)")
            return
        }
        guard let root else { return } // an empty file declares nothing
        let value = YAMLValue(node: root, file: path, log: log)
        guard root.mapping != nil else {
            value.report("a configuration file should be a mapping of sections (hotline, trunks, numbers, flows, …), not \(value.shape)")
            return
        }
        let top = YAMLMapping(value, what: "the configuration")
        if includedAt == nil { rootIsMapping = true }
        for section in ConfigurationSection.allCases {
            if let node = top.optional(section.rawValue) {
                sections[section, default: []].append(node)
                sectionKeys[section, default: []].append(top.location(of: section.rawValue))
            }
        }
        if let include = top.optional("include") {
            let entries = include.node.sequence.map { $0.map(include.child) } ?? [include]
            for entry in entries {
                guard let relative = entry.text("include") else { continue }
                let target = ConfigurationPath.resolve(relative, from: path)
                if target == path || chain.contains(target) {
                    entry.report("include cycle: \((chain + [path, target]).joined(separator: " → "))")
                    continue
                }
                if filesRead.contains(target) {
                    entry.report("'\(relative)' is included twice")
                    continue
                }
                loadFile(target, includedAt: entry.location, chain: chain + [path])
            }
        }
        top.rejectUnknownKeys()
    }

    private func reportSyntaxError(_ error: YamlError, file: String) {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // libyaml's composer puts the "but found …" half in the problem.
            let detail = context.map { problem.hasPrefix("but ") ? "\($0.text) \(problem)" : "\(problem) \($0.text)" } ?? problem
            log.report(at(mark), "not valid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            log.report(at(context.mark), "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            log.report(SourceLocation(file: file, line: 1, column: 1), "not valid YAML: \(problem)")
        default:
            log.report(SourceLocation(file: file, line: 1, column: 1), "not valid YAML: \(error)")
        }
    }

    // MARK: Helpers shared by the section readers

    /// The single definition of a section that may appear once across all files.
    func single(_ section: ConfigurationSection) -> YAMLValue? {
        let values = sections[section] ?? []
        let keys = sectionKeys[section] ?? []
        for key in keys.dropFirst() {
            log.report(key, "'\(section.rawValue)' is already defined at \(keys[0])")
        }
        return values.first
    }

    /// The named entries of a mapping section across all files, reporting names defined twice.
    func namedEntries(_ section: ConfigurationSection, what: String) -> [(name: String, key: YAMLValue, value: YAMLValue)] {
        var result: [(name: String, key: YAMLValue, value: YAMLValue)] = []
        var seen: [String: SourceLocation] = [:]
        for value in sections[section] ?? [] {
            guard let mapping = value.mapping(section.rawValue, what: "'\(section.rawValue)'") else { continue }
            mapping.allow(contentsOf: mapping.keys)
            for entry in mapping.entries {
                if let first = seen[entry.key] {
                    entry.keyValue.report("\(what) '\(entry.key)' is already defined at \(first)")
                    continue
                }
                seen[entry.key] = entry.keyValue.location
                result.append((entry.key, entry.keyValue, entry.value))
            }
        }
        return result
    }

    /// A secret's text with `${NAME}` replaced from the environment, so passwords and tokens need
    /// not be written in the file. An unset variable is reported.
    func secret(_ value: YAMLValue?, _ key: String) -> String? {
        guard let value, let text = value.text(key) else { return nil }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                value.report("'${' without a closing '}' in '\(key)'")
                return nil
            }
            let name = String(rest[start.upperBound..<end])
            guard let first = name.first, first == "_" || first.isLetter, name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
                value.report("'${\(name)}' is not an environment variable name")
                return nil
            }
            guard let replacement = loader.environment[name] else {
                value.report("environment variable \(name) is not set (used in '\(key)')")
                return nil
            }
            result += replacement
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// Reports a name that is not defined, suggesting the closest defined one.
    func reportUnknown(_ what: String, _ name: String, at value: YAMLValue, known: some Sequence<String>) {
        value.report("unknown \(what) '\(name)'\(Suggestions.hint(for: name, in: known))")
    }
}

extension YAMLMapping {
    func allow(contentsOf keys: [String]) {
        for key in keys { allow(key) }
    }
}
