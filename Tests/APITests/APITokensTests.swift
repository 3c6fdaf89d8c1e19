import Foundation
import Testing

@testable import API

@Suite("API tokens")
struct APITokensTests {
    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hotline-token-tests-\(UUID().uuidString)").path
    }

    @Test("roles are found by token, compared exactly")
    func roles() {
        let tokens = APITokens([.init("aaaaaaaaaaaaaaaa", role: .full), .init("bbbbbbbbbbbbbbbb", role: .masked)])
        #expect(tokens.role(forBearer: "aaaaaaaaaaaaaaaa") == .full)
        #expect(tokens.role(forBearer: "bbbbbbbbbbbbbbbb") == .masked)
        #expect(tokens.role(forBearer: "bbbbbbbbbbbbbbb") == nil)
        #expect(tokens.role(forBearer: "bbbbbbbbbbbbbbbbb") == nil)
        #expect(tokens.role(forBearer: "") == nil)
        #expect(APITokens([]).role(forBearer: "anything") == nil)
        #expect(APITokens.Role.full.seesFullNumbers && !APITokens.Role.masked.seesFullNumbers)
    }

    @Test("HOTLINE_API_TOKEN wins over the configuration and the file")
    func environment() throws {
        let directory = temporaryDirectory()
        let (tokens, source) = try APITokens.load(
            environment: ["HOTLINE_API_TOKEN": " from-the-environment-0123 \n"],
            configured: [.init("configured-token-0123", role: .masked)], dataDirectory: directory)
        #expect(source == .environment)
        #expect(tokens.role(forBearer: "from-the-environment-0123") == .full)
        #expect(tokens.role(forBearer: "configured-token-0123") == nil)
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(throws: APITokens.LoadError.tooShort(source: "HOTLINE_API_TOKEN")) {
            try APITokens.load(environment: ["HOTLINE_API_TOKEN": "short"], configured: [], dataDirectory: directory)
        }
    }

    @Test("configured tokens are used when the environment has none")
    func configured() throws {
        let directory = temporaryDirectory()
        let (tokens, source) = try APITokens.load(
            environment: ["HOTLINE_API_TOKEN": ""], configured: [.init("configured-token-0123", role: .masked)], dataDirectory: directory)
        #expect(source == .configuration)
        #expect(tokens.role(forBearer: "configured-token-0123") == .masked)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("otherwise a token is generated into DATA/api-token with mode 0600, and read back at the next start")
    func generated() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, source) = try APITokens.load(environment: [:], configured: [], dataDirectory: directory)
        let path = directory + "/api-token"
        #expect(source == .file(path: path, created: true))
        #expect(source.description.contains(path))
        let value = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(value.count >= 40)
        #expect(first.role(forBearer: value) == .full)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let (second, again) = try APITokens.load(environment: [:], configured: [], dataDirectory: directory)
        #expect(again == .file(path: path, created: false))
        #expect(second.role(forBearer: value) == .full)
        #expect(APITokens.generate() != APITokens.generate())

        try "tiny\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: APITokens.LoadError.tooShort(source: path)) {
            try APITokens.load(environment: [:], configured: [], dataDirectory: directory)
        }
    }
}
