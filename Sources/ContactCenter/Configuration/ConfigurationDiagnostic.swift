import Foundation

/// A position in a configuration file: the file as it was named to the loader, and a
/// 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The file, as the loader was given it (included files are joined onto the including file's folder).
    public var file: String
    /// Line number, starting from 1.
    public var line: Int
    /// Column number, starting from 1 (counted in Unicode scalars).
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem found in a configuration, printed as `file:line:column: message`.
public struct ConfigurationDiagnostic: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong, and what is expected.
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, the format compilers use, so editors can jump to it.
    public var description: String { "\(location): \(message)" }

    public static func < (lhs: ConfigurationDiagnostic, rhs: ConfigurationDiagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        return lhs.message < rhs.message
    }
}

/// A configuration that cannot be used, with every problem found in it, sorted by file and line.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigurationDiagnostic]

    public init(diagnostics: [ConfigurationDiagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
