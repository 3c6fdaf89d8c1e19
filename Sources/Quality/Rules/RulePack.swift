import Foundation

/// A set of rules with the negation settings they share and the scoring template that weighs them.
public struct RulePack: Sendable {
    public var name: String
    public var rules: [Rule]
    public var negation: NegationSettings
    public var template: ScoringTemplate

    public init(name: String, rules: [Rule], negation: NegationSettings = .standard, template: ScoringTemplate? = nil) {
        self.name = name
        self.rules = rules
        self.negation = negation
        self.template = template ?? .flat(rules: rules)
    }

    /// The rule with this id.
    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }

    /// Parses a rule pack from YAML text; `file` names it in error messages.
    public static func parse(yaml: String, file: String = "<rules>") throws -> RulePack {
        try RulePackParser(file: file).parse(yaml)
    }

    /// Reads a rule pack from a YAML file.
    public static func load(contentsOf url: URL) throws -> RulePack {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RulePackError(file: url.path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: url.path)
    }

    /// The default pack for 95 hotlines, carried inside the binary.
    public static let standard: RulePack = {
        // The embedded text is checked by the test suite, so parsing cannot fail here.
        // swiftlint:disable:next force_try
        try! parse(yaml: DefaultRulePack.yaml, file: "default-rules.yaml")
    }()
}

/// A rule file that does not say what is expected, with the place it went wrong.
public struct RulePackError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
