import Yams

/// Reads the YAML rule language into a `RulePack`, reporting `file:line` for every mistake.
///
/// ```yaml
/// name: my-pack
/// negation: {window: 3}
/// rules:
///   - id: complaint_risk
///     severity: critical
///     points: -20
///     when:
///       keywords: {any: [投诉, 举报], speaker: customer}
/// template:
///   pass_score: 80
///   sections:
///     - {id: risk, weight: 40, rules: [complaint_risk]}
/// ```
struct RulePackParser {
    let file: String

    func parse(_ text: String) throws -> RulePack {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw RulePackError(file: file, line: Self.line(of: error), message: "not valid YAML: \(error)")
        }
        guard let root, let top = root.mapping else {
            throw RulePackError(file: file, line: root?.mark?.line, message: "expected a mapping with `rules:`")
        }
        try checkKeys(root, allowed: ["name", "version", "description", "negation", "rules", "template"])
        let name = try top["name"].map { try string($0) } ?? "rules"
        let negation = try top["negation"].map { try parseNegation($0) } ?? .standard
        guard let rulesNode = top["rules"] else { throw error(root, "missing `rules:` (a list of rules)") }
        guard let ruleNodes = rulesNode.sequence else { throw error(rulesNode, "`rules:` must be a list") }
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        for node in ruleNodes {
            let rule = try parseRule(node)
            if let first = seen[rule.id] {
                throw error(node, "duplicate rule id `\(rule.id)` (first defined on line \(first))")
            }
            seen[rule.id] = node.mark?.line ?? 0
            rules.append(rule)
        }
        var template: ScoringTemplate?
        if let templateNode = top["template"] {
            template = try parseTemplate(templateNode, ruleIDs: Set(rules.map(\.id)))
        }
        return RulePack(name: name, rules: rules, negation: negation, template: template)
    }

    // MARK: Rules

    func parseRule(_ node: Node) throws -> Rule {
        guard let map = node.mapping else { throw error(node, "a rule must be a mapping with `id:` and `when:`") }
        try checkKeys(node, allowed: ["id", "name", "description", "severity", "points", "auto_fail", "when"])
        guard let idNode = map["id"] else { throw error(node, "rule without `id:`") }
        let id = try string(idNode)
        guard id.range(of: "^[A-Za-z0-9_.-]+$", options: .regularExpression) != nil else {
            throw error(idNode, "rule id `\(id)` may use only letters, digits, `_`, `-` and `.`")
        }
        let severity: Severity
        if let node = map["severity"] {
            let raw = try string(node)
            guard let value = Severity(rawValue: raw) else {
                throw error(node, "unknown severity `\(raw)`: expected one of info, minor, major, critical")
            }
            severity = value
        } else {
            severity = .minor
        }
        guard let whenNode = map["when"] else { throw error(node, "rule `\(id)` has no `when:` condition") }
        return Rule(
            id: id,
            name: try map["name"].map { try string($0) },
            description: try map["description"].map { try string($0) } ?? "",
            severity: severity,
            points: try map["points"].map { try number($0) } ?? 0,
            autoFail: try map["auto_fail"].map { try bool($0) } ?? false,
            condition: try parseCondition(whenNode),
            line: node.mark?.line
        )
    }

    static let leafKinds = ["keywords", "regex", "proximity", "silence", "overtalk", "speaking_rate", "emotion", "all", "any", "not"]

    func parseCondition(_ node: Node) throws -> Condition {
        guard let map = node.mapping, map.count == 1, let (keyNode, value) = map.first.map({ ($0.key, $0.value) }),
              let key = keyNode.string else {
            throw error(node, "a condition is a mapping with exactly one of: \(Self.leafKinds.joined(separator: ", "))")
        }
        switch key {
        case "keywords": return .keywords(try parseKeywords(value))
        case "regex": return .regex(try parseRegex(value))
        case "proximity": return .proximity(try parseProximity(value))
        case "silence":
            try checkKeys(value, allowed: ["longer_than_ms", "after"] + Self.scopeKeys)
            return .silence(SilenceCondition(
                minimumMilliseconds: try required(value, "longer_than_ms", number),
                after: try optionalSpeaker(value, "after"),
                scope: try parseScope(value)))
        case "overtalk":
            try checkKeys(value, allowed: ["longer_than_ms", "by"] + Self.scopeKeys)
            return .overtalk(OvertalkCondition(
                minimumMilliseconds: try required(value, "longer_than_ms", number),
                by: try optionalSpeaker(value, "by"),
                scope: try parseScope(value)))
        case "speaking_rate":
            try checkKeys(value, allowed: ["above_cpm", "per", "min_seconds"] + Self.scopeKeys)
            var measure = SpeakingRateCondition.Measure.turn
            if let per = value.mapping?["per"] {
                let raw = try string(per)
                guard let parsed = SpeakingRateCondition.Measure(rawValue: raw) else {
                    throw error(per, "`per:` must be `turn` or `average`, not `\(raw)`")
                }
                measure = parsed
            }
            return .speakingRate(SpeakingRateCondition(
                charactersPerMinute: try required(value, "above_cpm", number),
                measure: measure,
                minimumSeconds: try value.mapping?["min_seconds"].map { try number($0) } ?? 4,
                scope: try parseScope(value)))
        case "emotion":
            try checkKeys(value, allowed: ["speaker", "below", "above"])
            guard let speaker = try optionalSpeaker(value, "speaker") else { throw error(value, "`emotion:` needs `speaker:`") }
            let below = try value.mapping?["below"].map { try number($0) }
            let above = try value.mapping?["above"].map { try number($0) }
            guard below != nil || above != nil else { throw error(value, "`emotion:` needs `below:` or `above:` (a score from -5 to 5)") }
            return .emotion(EmotionCondition(speaker: speaker, below: below, above: above))
        case "all", "any":
            guard let items = value.sequence, !items.isEmpty else { throw error(value, "`\(key):` must be a non-empty list of conditions") }
            let parts = try items.map { try parseCondition($0) }
            return key == "all" ? .all(parts) : .any(parts)
        case "not":
            return .not(try parseCondition(value))
        default:
            throw error(keyNode, "unknown condition `\(key)`: expected one of \(Self.leafKinds.joined(separator: ", "))")
        }
    }

    static let scopeKeys = ["speaker", "first_seconds", "last_seconds", "first_turns", "last_turns"]

    func parseKeywords(_ node: Node) throws -> KeywordCondition {
        try checkKeys(node, allowed: ["any", "all", "none", "exclude", "exclude_sentence", "negation"] + Self.scopeKeys)
        guard let map = node.mapping else { throw error(node, "`keywords:` must be a mapping with `any:`, `all:` or `none:`") }
        let modes = [PhraseMode.any, .all, .none].filter { map[Node($0.rawValue)] != nil }
        guard modes.count == 1, let mode = modes.first, let listNode = map[Node(mode.rawValue)] else {
            throw error(node, "`keywords:` needs exactly one of `any:`, `all:`, `none:`")
        }
        let phrases = try stringList(listNode)
        guard !phrases.isEmpty else { throw error(listNode, "the phrase list is empty") }
        for (index, phrase) in phrases.enumerated() where TextNormalizer.foldPhrase(phrase).isEmpty {
            throw error(listNode.sequence?[index] ?? listNode, "phrase `\(phrase)` has no letters, digits or characters once punctuation is removed")
        }
        return KeywordCondition(
            mode: mode,
            phrases: phrases,
            exclude: try map["exclude"].map { try stringList($0) } ?? [],
            excludeSentence: try map["exclude_sentence"].map { try stringList($0) } ?? [],
            scope: try parseScope(node),
            negation: try map["negation"].map { try bool($0) } ?? true)
    }

    func parseRegex(_ node: Node) throws -> RegexCondition {
        if node.scalar != nil { return RegexCondition(pattern: try string(node)) }
        try checkKeys(node, allowed: ["pattern", "exclude"] + Self.scopeKeys)
        let pattern: String = try required(node, "pattern", string)
        let exclude = try node.mapping?["exclude"].map { try string($0) }
        for (text, place) in [(pattern, node.mapping?["pattern"]), (exclude, node.mapping?["exclude"])] {
            guard let text else { continue }
            do { _ = try CompiledRegex(text) } catch {
                throw self.error(place ?? node, "invalid regular expression `\(text)`")
            }
        }
        return RegexCondition(pattern: pattern, exclude: exclude, scope: try parseScope(node))
    }

    func parseProximity(_ node: Node) throws -> ProximityCondition {
        try checkKeys(node, allowed: ["first", "second", "within_seconds", "within_turns", "ordered"])
        guard let map = node.mapping, let first = map["first"], let second = map["second"] else {
            throw error(node, "`proximity:` needs `first:` and `second:` phrase lists")
        }
        let seconds = try map["within_seconds"].map { try number($0) }
        let turns = try map["within_turns"].map { try integer($0) }
        guard seconds != nil || turns != nil else { throw error(node, "`proximity:` needs `within_seconds:` or `within_turns:`") }
        return ProximityCondition(first: try parseKeywords(first), second: try parseKeywords(second),
                                  withinSeconds: seconds, withinTurns: turns,
                                  ordered: try map["ordered"].map { try bool($0) } ?? false)
    }

    func parseScope(_ node: Node) throws -> Scope {
        guard let map = node.mapping else { return .all }
        return Scope(
            speaker: try optionalSpeaker(node, "speaker"),
            firstSeconds: try map["first_seconds"].map { try number($0) },
            lastSeconds: try map["last_seconds"].map { try number($0) },
            firstTurns: try map["first_turns"].map { try integer($0) },
            lastTurns: try map["last_turns"].map { try integer($0) })
    }

    func parseNegation(_ node: Node) throws -> NegationSettings {
        try checkKeys(node, allowed: ["window", "cues", "adjacent_cues", "after", "blockers"])
        let map = node.mapping!
        let standard = NegationSettings.standard
        return NegationSettings(
            window: try map["window"].map { try integer($0) } ?? standard.window,
            cues: try map["cues"].map { try stringList($0) } ?? standard.cues,
            adjacentCues: try map["adjacent_cues"].map { try stringList($0) } ?? standard.adjacentCues,
            after: try map["after"].map { try stringList($0) } ?? standard.after,
            blockers: try map["blockers"].map { try stringList($0) } ?? standard.blockers)
    }

    // MARK: Template

    func parseTemplate(_ node: Node, ruleIDs: Set<String>) throws -> ScoringTemplate {
        try checkKeys(node, allowed: ["name", "pass_score", "sections"])
        let map = node.mapping!
        guard let sectionsNode = map["sections"], let items = sectionsNode.sequence, !items.isEmpty else {
            throw error(node, "`template:` needs a non-empty `sections:` list")
        }
        var sections: [ScoringTemplate.Section] = []
        var placed: Set<String> = []
        for item in items {
            try checkKeys(item, allowed: ["id", "name", "weight", "rules"])
            let id: String = try required(item, "id", string)
            let weight: Double = try required(item, "weight", number)
            guard weight > 0 else { throw error(item, "section `\(id)` needs a positive `weight:`") }
            let rulesNode = item.mapping?["rules"]
            let rules = try rulesNode.map { try stringList($0) } ?? []
            for (index, rule) in rules.enumerated() {
                let place = rulesNode?.sequence?[index] ?? item
                guard ruleIDs.contains(rule) else { throw error(place, "section `\(id)` names unknown rule `\(rule)`") }
                guard placed.insert(rule).inserted else { throw error(place, "rule `\(rule)` is in more than one section") }
            }
            sections.append(.init(id: id, name: try item.mapping?["name"].map { try string($0) }, weight: weight, rules: rules))
        }
        let pass = try map["pass_score"].map { try number($0) } ?? 80
        guard (0...100).contains(pass) else { throw error(map["pass_score"] ?? node, "`pass_score:` must be between 0 and 100") }
        return ScoringTemplate(name: try map["name"].map { try string($0) } ?? "default", passScore: pass, sections: sections)
    }

    // MARK: Scalars

    func error(_ node: Node, _ message: String) -> RulePackError {
        RulePackError(file: file, line: node.mark?.line, message: message)
    }

    func checkKeys(_ node: Node, allowed: [String]) throws {
        guard let map = node.mapping else { throw error(node, "expected a mapping") }
        for key in map.keys {
            guard let name = key.string else { throw error(key, "keys must be text") }
            if !allowed.contains(name) {
                throw error(key, "unknown key `\(name)`: expected one of \(allowed.joined(separator: ", "))")
            }
        }
    }

    func required<T>(_ node: Node, _ key: String, _ read: (Node) throws -> T) throws -> T {
        guard let value = node.mapping?[Node(key)] else { throw error(node, "missing `\(key):`") }
        return try read(value)
    }

    func string(_ node: Node) throws -> String {
        guard let scalar = node.scalar else { throw error(node, "expected text") }
        return scalar.string
    }

    func number(_ node: Node) throws -> Double {
        guard node.scalar != nil, let value = node.float ?? node.int.map(Double.init) else { throw error(node, "expected a number") }
        return value
    }

    func integer(_ node: Node) throws -> Int {
        guard node.scalar != nil, let value = node.int, value >= 0 else { throw error(node, "expected a whole number ≥ 0") }
        return value
    }

    func bool(_ node: Node) throws -> Bool {
        guard node.scalar != nil, let value = node.bool else { throw error(node, "expected true or false") }
        return value
    }

    func stringList(_ node: Node) throws -> [String] {
        if node.scalar != nil { return [try string(node)] }
        guard let items = node.sequence else { throw error(node, "expected a list of phrases") }
        return try items.map { try string($0) }
    }

    func optionalSpeaker(_ node: Node, _ key: String) throws -> Speaker? {
        guard let value = node.mapping?[Node(key)] else { return nil }
        let raw = try string(value)
        if raw == "any" { return nil }
        guard let speaker = Speaker(label: raw) else { throw error(value, "`\(key):` must be agent, customer or any, not `\(raw)`") }
        return speaker
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}
