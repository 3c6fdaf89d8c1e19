import Foundation
import Yams

/// Collects diagnostics while a configuration is read; every reader reports here instead of throwing,
/// so one pass finds every problem.
final class DiagnosticLog {
    private(set) var diagnostics: [ConfigurationDiagnostic] = []

    func report(_ location: SourceLocation, _ message: String) {
        diagnostics.append(ConfigurationDiagnostic(location, message))
    }

    var isEmpty: Bool { diagnostics.isEmpty }

    var sorted: [ConfigurationDiagnostic] { Array(Set(diagnostics)).sorted() }
}

/// A YAML node together with the file it came from.
struct YAMLValue {
    let node: Node
    let file: String
    let log: DiagnosticLog

    var location: SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func report(_ message: String) { log.report(location, message) }

    var isNull: Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && node.null != nil
    }

    /// A short description of what the node is, for "expected …, found …" messages.
    var shape: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return isNull ? "nothing" : "'\(scalar.string)'"
        }
    }

    func expected(_ what: String, _ name: String) { report("'\(name)' should be \(what), not \(shape)") }

    /// Any scalar as text (numbers such as 959999 are read as they were written).
    func text(_ name: String) -> String? {
        guard let scalar = node.scalar, !isNull else { expected("text", name); return nil }
        return scalar.string
    }

    func wholeNumber(_ name: String, minimum: Int = 0, maximum: Int = .max) -> Int? {
        guard let scalar = node.scalar, let value = Int(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            expected("a whole number", name)
            return nil
        }
        guard value >= minimum, value <= maximum else {
            let range = maximum == .max ? "at least \(minimum)" : "from \(minimum) to \(maximum)"
            report("'\(name)' should be \(range), not \(value)")
            return nil
        }
        return value
    }

    func number(_ name: String, minimum: Double = 0) -> Double? {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            expected("a number", name)
            return nil
        }
        guard value >= minimum else {
            report("'\(name)' should be at least \(minimum.formatted(.number)), not \(scalar.string)")
            return nil
        }
        return value
    }

    func boolean(_ name: String) -> Bool? {
        guard let value = node.bool, node.scalar != nil else { expected("true or false", name); return nil }
        return value
    }

    /// `5s`, `500ms`, `2m`, `1h`, or a plain number of seconds.
    func duration(_ name: String) -> Duration? {
        guard let scalar = node.scalar, let value = DurationText.parse(scalar.string) else {
            expected("a duration such as 5s, 500ms or 2m", name)
            return nil
        }
        return value
    }

    /// A single text or a list of texts.
    func texts(_ name: String) -> [String]? {
        if let sequence = node.sequence {
            var result: [String] = []
            for item in sequence {
                guard let text = child(item).text(name) else { return nil }
                result.append(text)
            }
            return result
        }
        return text(name).map { [$0] }
    }

    func list(_ name: String) -> [YAMLValue]? {
        guard let sequence = node.sequence else { expected("a list", name); return nil }
        return sequence.map(child)
    }

    func mapping(_ name: String, what: String) -> YAMLMapping? {
        guard node.mapping != nil else { expected("a mapping of keys", name); return nil }
        return YAMLMapping(self, what: what)
    }

    func child(_ node: Node) -> YAMLValue { YAMLValue(node: node, file: file, log: log) }
}

/// A YAML mapping read key by key. Every key a reader may ask for is remembered, so keys
/// nobody asked for are reported as unknown, with the closest known key as a suggestion.
final class YAMLMapping {
    let value: YAMLValue
    let what: String
    private let pairs: [(key: Node, value: Node)]
    private var known: [String] = []

    init(_ value: YAMLValue, what: String) {
        self.value = value
        self.what = what
        self.pairs = value.node.mapping.map { Array($0).map { ($0.key, $0.value) } } ?? []
    }

    var location: SourceLocation { value.location }
    var file: String { value.file }
    var log: DiagnosticLog { value.log }

    /// The keys as written, in order.
    var keys: [String] { pairs.compactMap { $0.key.scalar?.string } }

    /// The entries as written, in order (for mappings whose keys are names).
    var entries: [(key: String, keyValue: YAMLValue, value: YAMLValue)] {
        pairs.compactMap { pair in
            guard let key = pair.key.scalar?.string else { return nil }
            return (key, value.child(pair.key), value.child(pair.value))
        }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key.scalar?.string == key } }

    /// The value of `key`; `nil` when absent or written as null.
    func optional(_ key: String) -> YAMLValue? {
        if !known.contains(key) { known.append(key) }
        guard let pair = pairs.first(where: { $0.key.scalar?.string == key }) else { return nil }
        let child = value.child(pair.value)
        return child.isNull ? nil : child
    }

    /// The value of `key`, reporting it when absent.
    func required(_ key: String) -> YAMLValue? {
        guard let child = optional(key) else {
            if let pair = pairs.first(where: { $0.key.scalar?.string == key }) {
                value.child(pair.key).report("'\(key)' needs a value")
            } else {
                value.report("missing required key '\(key)' in \(what)")
            }
            return nil
        }
        return child
    }

    /// Where `key` is written (its key, not its value), or the mapping itself.
    func location(of key: String) -> SourceLocation {
        pairs.first(where: { $0.key.scalar?.string == key }).map { value.child($0.key).location } ?? location
    }

    /// Registers keys that are allowed although not read through `optional`/`required`.
    func allow(_ keys: String...) {
        for key in keys where !known.contains(key) { known.append(key) }
    }

    /// Reports every key that was never asked for.
    func rejectUnknownKeys() {
        for pair in pairs {
            let keyValue = value.child(pair.key)
            guard let key = pair.key.scalar?.string else {
                keyValue.report("keys in \(what) should be text")
                continue
            }
            if !known.contains(key) {
                keyValue.report("unknown key '\(key)' in \(what)\(Suggestions.hint(for: key, in: known))")
            }
        }
    }

    // Typed shortcuts.
    func text(_ key: String, required isRequired: Bool = false) -> String? {
        (isRequired ? required(key) : optional(key))?.text(key)
    }
    func wholeNumber(_ key: String, minimum: Int = 0, maximum: Int = .max) -> Int? {
        optional(key)?.wholeNumber(key, minimum: minimum, maximum: maximum)
    }
    func number(_ key: String, minimum: Double = 0) -> Double? { optional(key)?.number(key, minimum: minimum) }
    func boolean(_ key: String) -> Bool? { optional(key)?.boolean(key) }
    func duration(_ key: String) -> Duration? { optional(key)?.duration(key) }
    func texts(_ key: String) -> [String]? { optional(key)?.texts(key) }
}

/// Durations as written in the configuration.
public enum DurationText {
    /// Parses `250ms`, `5s`, `1.5s`, `2m`, `1h` or a plain number of seconds.
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
