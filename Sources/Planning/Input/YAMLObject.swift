import Foundation
import Yams

/// A YAML mapping read key by key, so that every error names `file:line` and the key,
/// and keys nobody asked for are reported as unknown (a typo in a price must not
/// silently fall back to the default).
final class YAMLObject {
    let source: String
    let path: String
    let line: Int?
    private let mapping: Node.Mapping
    private var asked: [String] = []

    init(source: String, path: String, line: Int?, mapping: Node.Mapping) {
        self.source = source
        self.path = path
        self.line = line
        self.mapping = mapping
    }

    /// Parses YAML text whose root is a mapping.
    static func parse(_ text: String, source: String) throws -> YAMLObject {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PlanningError.invalidInput(source: source, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else {
            throw PlanningError.invalidInput(source: source, line: nil, message: "empty file")
        }
        guard let mapping = root.mapping else {
            throw PlanningError.invalidInput(source: source, line: root.mark?.line, message: "expected a mapping of keys at the top")
        }
        return YAMLObject(source: source, path: "", line: root.mark?.line, mapping: mapping)
    }

    static func load(path: String) throws -> YAMLObject {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PlanningError.invalidInput(source: path, line: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, source: path)
    }

    var keys: [String] { mapping.keys.compactMap(\.string) }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    func node(_ key: String) -> Node? {
        if !asked.contains(key) { asked.append(key) }
        guard let node = mapping[key] else { return nil }
        if node.null != nil { return nil } // `key:` with no value, `~` or `null`
        return node
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ message: String) -> PlanningError {
        let at = key.flatMap { k in mapping.first { $0.key.string == k }?.key.mark?.line } ?? line
        return .invalidInput(source: source, line: at, message: key.map { "\(name($0)): \(message)" } ?? message)
    }

    func double(_ key: String) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            throw error(key, "'\(node.string ?? "?")' is not a number")
        }
        return value
    }

    func double(_ key: String, default value: Double, minimum: Double = 0) throws -> Double {
        guard let read = try double(key) else { return value }
        guard read >= minimum else { throw error(key, "\(read) is below the minimum \(minimum)") }
        return read
    }

    func fraction(_ key: String) throws -> Double? {
        guard let value = try double(key) else { return nil }
        guard value >= 0, value <= 1 else { throw error(key, "\(value) should be a fraction from 0 to 1 (e.g. 0.3 for 30%)") }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let node = node(key) else { return nil }
        guard let value = node.int, value >= 0 else {
            throw error(key, "'\(node.string ?? "?")' should be a whole number ≥ 0")
        }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard let value = node.scalar?.string else { throw error(key, "expected a text value") }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let node = node(key) else { return nil }
        guard let value = node.bool else { throw error(key, "expected true or false") }
        return value
    }

    func object(_ key: String) throws -> YAMLObject? {
        guard let node = node(key) else { return nil }
        guard let mapping = node.mapping else { throw error(key, "expected a mapping of keys") }
        return YAMLObject(source: source, path: name(key), line: node.mark?.line, mapping: mapping)
    }

    /// A value that is either a word (`pri`) or a mapping with a `type` key (`{type: pri, circuits: 2}`).
    func option(_ key: String) throws -> (type: String, object: YAMLObject?)? {
        guard let node = node(key) else { return nil }
        if let mapping = node.mapping {
            let object = YAMLObject(source: source, path: name(key), line: node.mark?.line, mapping: mapping)
            guard let type = try object.string("type") else { throw error(key, "missing 'type'") }
            return (type, object)
        }
        guard let type = node.scalar?.string else { throw error(key, "expected an option name or a mapping with 'type'") }
        return (type, nil)
    }

    /// Throws for the first key that was never read.
    func rejectUnknownKeys() throws {
        for pair in mapping {
            let key = pair.key.string ?? "?"
            if !asked.contains(key) {
                throw PlanningError.invalidInput(
                    source: source, line: pair.key.mark?.line,
                    message: "\(name(key)): unknown key; expected one of \(asked.joined(separator: ", "))")
            }
        }
    }
}
