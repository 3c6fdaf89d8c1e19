import ContactCenter
import Foundation

/// A small valid configuration (`main.yaml`) that includes `extra.yaml`, so a test can add one
/// broken piece in `extra.yaml` and expect diagnostics at lines it can count.
enum ConfigurationFixture {
    static let main = """
        hotline:
          numbers: ["95123"]
          name: Test
        include: [extra.yaml]
        trunks:
          carrier:
            allow: [203.0.113.0/24]
            proxy: 203.0.113.1
        numbers:
          inbound:
            - number: "95123"
              flow: main
        agents:
          - {extension: "801", password: p1, skills: [sales]}
          - {extension: "802", password: p2, skills: [support]}
        queues:
          sales: {skills: [sales]}
          support: {agents: ["802"]}
        lists:
          vip: ["13800000000", "1390000*"]
        prompts:
          hello: prompts/hello.wav
        flows:
          main:
            - play: hello
            - queue: sales

        """

    /// Loads `main.yaml` with `extra` as the included file (and any other files), from memory.
    static func check(extra: String = "", files: [String: String] = [:], speech: Bool = true) -> ConfigurationCheck {
        var all = ["main.yaml": main, "extra.yaml": extra, "prompts/hello.wav": "RIFF"]
        all.merge(files) { $1 }
        return ConfigurationLoader(files: InMemoryFiles(all), speechSynthesizerAvailable: speech).check("main.yaml")
    }

    /// The diagnostics of `check(extra:)` as `file:line:column: message` lines.
    static func diagnostics(extra: String, files: [String: String] = [:], speech: Bool = true) -> [String] {
        check(extra: extra, files: files, speech: speech).diagnostics.map(\.description)
    }

    /// A configuration from one file held in memory.
    static func load(_ text: String, path: String = "hotline.yaml") -> ConfigurationCheck {
        ConfigurationLoader(files: InMemoryFiles([path: text]), speechSynthesizerAvailable: true).check(path)
    }

    /// The repository's `examples` folder, found from this file's real location.
    static var examplesDirectory: String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("examples")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("demo.yaml").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return "examples"
    }
}
