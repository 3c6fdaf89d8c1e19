import Foundation

/// Where configuration files and prompt files are read from: the disk, or memory (the
/// built-in demo and tests).
public protocol ConfigurationFiles: Sendable {
    /// The text of a configuration file, or `nil` when it cannot be read.
    func read(_ path: String) -> String?
    /// Whether a file (a prompt, say) exists.
    func exists(_ path: String) -> Bool
}

/// Files on the local disk.
public struct DiskFiles: ConfigurationFiles {
    public init() {}

    public func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    public func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

/// Files held in memory, keyed by path; paths not held are looked up in `fallback` (if any).
public struct InMemoryFiles: ConfigurationFiles {
    public var files: [String: String]
    public var fallback: (any ConfigurationFiles)?

    public init(_ files: [String: String], fallback: (any ConfigurationFiles)? = nil) {
        self.files = files
        self.fallback = fallback
    }

    public func read(_ path: String) -> String? {
        files[ConfigurationPath.normalize(path)] ?? files[path] ?? fallback?.read(path)
    }

    public func exists(_ path: String) -> Bool {
        files[ConfigurationPath.normalize(path)] != nil || files[path] != nil || fallback?.exists(path) == true
    }
}

/// Joining relative paths onto the folder of the file that names them.
enum ConfigurationPath {
    /// `relative` resolved against the folder of `file`; absolute paths are kept.
    static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        let folder = (file as NSString).deletingLastPathComponent
        return normalize(folder.isEmpty ? relative : folder + "/" + relative)
    }

    /// Removes `.` and `folder/..` components without touching the disk.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
