import Foundation

/// A comma-separated file with a header row, read into named columns.
///
/// Handles double-quoted fields (with `""` for a quote), CRLF line ends, blank lines
/// and `#` comment lines. Column names are matched case-insensitively.
public struct CSVTable: Sendable {
    /// Where the table came from, for error messages.
    public let source: String
    /// Header names, lowercased and trimmed.
    public let header: [String]
    /// Data rows with their 1-based line numbers in the source.
    public let rows: [(line: Int, fields: [String])]

    public init(text: String, source: String) throws {
        self.source = source
        var header: [String]?
        var rows: [(Int, [String])] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = try Self.split(line, source: source, line: lineNumber)
            if header == nil {
                header = fields.map { $0.lowercased() }
            } else {
                rows.append((lineNumber, fields))
            }
        }
        guard let header else {
            throw PlanningError.invalidInput(source: source, line: nil, message: "empty file: expected a header row")
        }
        self.header = header
        self.rows = rows
    }

    /// Reads and parses a file.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PlanningError.invalidInput(source: path, line: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(text: text, source: path)
    }

    /// The index of the first column whose name is one of `names`, if any.
    public func column(_ names: [String]) -> Int? {
        for name in names {
            if let index = header.firstIndex(of: name) { return index }
        }
        return nil
    }

    /// Like ``column(_:)`` but throws a message listing the accepted names.
    public func requireColumn(_ names: [String]) throws -> Int {
        guard let index = column(names) else {
            throw PlanningError.invalidInput(
                source: source, line: 1,
                message: "missing column \(names.map { "'\($0)'" }.joined(separator: " or ")); header has \(header.joined(separator: ", "))")
        }
        return index
    }

    /// A field as a number, with a `file:line` error otherwise.
    public func number(_ fields: [String], _ column: Int, line: Int, name: String) throws -> Double {
        let text = column < fields.count ? fields[column] : ""
        guard let value = Double(text), value.isFinite else {
            throw PlanningError.invalidInput(source: source, line: line, message: "\(name) '\(text)' is not a number")
        }
        return value
    }

    static func split(_ line: String, source: String, line lineNumber: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = iterator.next()
        while let c = pending {
            pending = iterator.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" { field.append("\""); pending = iterator.next() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(c)
            }
        }
        if quoted {
            throw PlanningError.invalidInput(source: source, line: lineNumber, message: "unterminated quoted field")
        }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
