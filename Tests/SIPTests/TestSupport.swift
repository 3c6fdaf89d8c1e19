import Foundation
@testable import SIP

/// The shared conformance material (RFC 4475 torture messages).
enum Conformance {
    static let directory: URL = {
        // Tests/SIPTests/TestSupport.swift -> repository root -> ../shared
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            root.deletingLastPathComponent().appendingPathComponent("shared/conformance/rfc4475"),
            root.appendingPathComponent("shared/conformance/rfc4475"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }()

    static func message(_ name: String) throws -> [UInt8] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return [UInt8](data)
    }

    static var available: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("INDEX.tsv").path) }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A SIP message written with LF line ends, turned into CRLF.
func sip(_ s: String) -> [UInt8] {
    Array(s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
}
