import ContactCenter
import Testing

@Suite("Includes")
struct IncludeTests {
    @Test("included files add sections; relative paths resolve from the including file")
    func nestedIncludes() throws {
        let check = ConfigurationFixture.check(extra: """
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
        let diagnostics = ConfigurationFixture.diagnostics(extra: "include: sub/flows.yaml\n", files: [
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
        #expect(ConfigurationFixture.diagnostics(extra: "include: [nowhere.yaml]\n") == [
            "extra.yaml:1:11: cannot read included file 'nowhere.yaml'",
        ])
        #expect(ConfigurationFixture.diagnostics(extra: "include: [main.yaml]\n") == [
            "extra.yaml:1:11: include cycle: main.yaml → extra.yaml → main.yaml",
        ])
        #expect(ConfigurationFixture.diagnostics(extra: "include: [a.yaml, a.yaml]\n", files: ["a.yaml": "lists: {b: [\"1\"]}\n"]) == [
            "extra.yaml:1:19: 'a.yaml' is included twice",
        ])
    }
}

@Suite("Secrets from the environment")
struct SecretTests {
    static let extra = """
        trunks:
          telecom:
            allow: [198.51.100.0/24]
            register: {registrar: "sip:198.51.100.1", username: "${SIP_USER}", password: "${SIP_PASSWORD}"}
        flows:
          other:
            - webhook: {url: "https://crm.example.com/${CRM_PATH}", headers: {Authorization: "Bearer ${CRM_TOKEN}"}}
        store: {postgres: "postgres://hotline:${DB_PASSWORD}@db.internal/hotline"}
        """

    func check(_ environment: [String: String]) -> ConfigurationCheck {
        let files = ["main.yaml": ConfigurationFixture.main, "extra.yaml": Self.extra, "prompts/hello.wav": ""]
        return ConfigurationLoader(files: InMemoryFiles(files), speechSynthesizerAvailable: true, environment: environment)
            .check("main.yaml")
    }

    @Test("${NAME} in passwords, webhook URLs and headers and the PostgreSQL URL comes from the environment")
    func substituted() throws {
        let configuration = try #require(check([
            "SIP_USER": "02150000000", "SIP_PASSWORD": "s3cret", "CRM_PATH": "route", "CRM_TOKEN": "t0k", "DB_PASSWORD": "pw",
        ]).configuration)
        #expect(configuration.trunk(named: "telecom")?.registration?.password == "s3cret")
        #expect(configuration.trunk(named: "telecom")?.registration?.username == "02150000000")
        guard case .webhook(let webhook) = configuration.flow(named: "other")?.steps[0].action else {
            Issue.record("a webhook step")
            return
        }
        #expect(webhook.url == "https://crm.example.com/route")
        #expect(webhook.headers == ["Authorization": "Bearer t0k"])
        #expect(configuration.store == .postgres(url: "postgres://hotline:pw@db.internal/hotline"))
    }

    @Test("an unset variable is an error where it is used")
    func unset() {
        #expect(check(["SIP_USER": "u", "CRM_PATH": "route", "CRM_TOKEN": "t"]).diagnostics.map(\.description) == [
            "extra.yaml:4:82: environment variable SIP_PASSWORD is not set (used in 'password')",
            "extra.yaml:8:19: environment variable DB_PASSWORD is not set (used in 'postgres')",
        ])
    }
}

@Suite("API tokens and call limits")
struct ApiSettingsTests {
    @Test("tokens with roles; a short token or an unknown role is refused")
    func tokens() throws {
        let check = ConfigurationFixture.check(extra: """
            api:
              tokens:
                - {token: "0123456789abcdef0123", role: admin}
                - {token: "fedcba9876543210"}
            """)
        let api = try #require(check.configuration?.api)
        #expect(api.tokens.map(\.role) == [.admin, .viewer])
        #expect(api.token(matching: "0123456789abcdef0123")?.seesFullNumbers == true)
        #expect(api.token(matching: "fedcba9876543210")?.seesFullNumbers == false)
        #expect(api.token(matching: "fedcba987654321") == nil)
        #expect(ConfigurationFixture.diagnostics(extra: """
            api:
              tokens:
                - {token: short, role: root}
            """) == [
                "extra.yaml:3:15: an API token should have at least 16 characters, so that it cannot be guessed",
                "extra.yaml:3:28: unknown role 'root'; expected one of admin, viewer",
            ])
    }

    @Test("the maximum call duration defaults to four hours")
    func maxCallDuration() throws {
        let configuration = try #require(ConfigurationFixture.check().configuration)
        #expect(configuration.hotline.maxCallDuration == .seconds(14_400))
        let custom = ConfigurationFixture.check(files: [
            "main.yaml": ConfigurationFixture.main.replacingOccurrences(of: "  name: Test\n", with: "  name: Test\n  max-call-duration: 1h\n"),
        ])
        #expect(custom.configuration?.hotline.maxCallDuration == .seconds(3600))
    }
}
