import ContactCenter
import Testing

@Suite("Includes")
struct IncludeTests {
    @Test("included files add sections; relative paths resolve from the including file")
    func nestedIncludes() throws {
        let check = TestConfiguration.check(extra: """
            include: [more/queues.yaml]
            """, files: [
                "more/queues.yaml": """
                    include: [flows.yaml]
                    queues:
                      extra: {agents: ["801"]}
                    prompts:
                      bye: ../prompts/hello.wav
                    """,
                "more/flows.yaml": """
                    flows:
                      other:
                        - play: bye
                        - queue: extra
                    """,
            ])
        #expect(check.diagnostics == [])
        let configuration = try #require(check.configuration)
        #expect(configuration.files == ["main.yaml", "extra.yaml", "more/queues.yaml", "more/flows.yaml"])
        #expect(configuration.queue(named: "extra")?.agents == ["801"])
        #expect(configuration.prompts["bye"] == .file("prompts/hello.wav"))
        #expect(configuration.flow(named: "other")?.steps.count == 2)
    }

    @Test("errors in an included file point into that file")
    func errorsPointIntoIncludedFile() {
        let diagnostics = TestConfiguration.diagnostics(extra: "include: sub/flows.yaml\n", files: [
            "sub/flows.yaml": """
                flows:
                  other:
                    - play: sounds/missing.wav
                    - queue: nope
                """,
        ])
        #expect(diagnostics == [
            "sub/flows.yaml:3:13: prompt file 'sounds/missing.wav' not found (looked for sub/sounds/missing.wav)",
            "sub/flows.yaml:4:14: unknown queue 'nope'",
        ])
    }

    @Test("a missing included file, a cycle, and a file included twice")
    func brokenIncludes() {
        #expect(TestConfiguration.diagnostics(extra: "include: [nowhere.yaml]\n") == [
            "extra.yaml:1:11: cannot read included file 'nowhere.yaml'",
        ])
        #expect(TestConfiguration.diagnostics(extra: "include: [main.yaml]\n") == [
            "extra.yaml:1:11: include cycle: main.yaml → extra.yaml → main.yaml",
        ])
        #expect(TestConfiguration.diagnostics(extra: "include: [a.yaml, a.yaml]\n", files: ["a.yaml": "lists: {b: [\"1\"]}\n"]) == [
            "extra.yaml:1:19: 'a.yaml' is included twice",
        ])
    }
}
