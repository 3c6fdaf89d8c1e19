import ContactCenter
import Testing

@Suite("Configuration: quality")
struct QualitySectionTests {
    static let base = """
        hotline: {numbers: ["95123"], name: Test}
        trunks:
          carrier: {allow: [127.0.0.0/8]}
        numbers:
          inbound:
            - {number: "95123", flow: main}
        flows:
          main:
            - hangup
        """

    func check(_ quality: String, files: [String: String] = [:]) -> ConfigurationCheck {
        var all = files
        all["q/h.yaml"] = Self.base + "\n" + quality
        return ConfigurationLoader(files: InMemoryFiles(all), speechSynthesizerAvailable: false,
                                   environment: ["ASR_KEY": "k-123"]).check("q/h.yaml")
    }

    @Test("workers, a rule pack beside the file, and a speech recognition server with a secret key")
    func reads() throws {
        let result = check("""
            quality:
              workers: 2
              rules: qa/rules.yaml
              asr: {url: "http://127.0.0.1:8000", model: small, language: zh, api-key: "${ASR_KEY}"}
            """, files: ["q/qa/rules.yaml": "rules: []"])
        #expect(result.diagnostics.map(\.description) == [])
        let quality = try #require(result.configuration?.quality)
        #expect(quality.workers == 2)
        #expect(quality.rulesFile == "q/qa/rules.yaml")
        #expect(quality.asr == ASRSettings(url: "http://127.0.0.1:8000", model: "small", language: "zh", apiKey: "k-123"))
    }

    @Test("without the section: defaults; mistakes are reported with their place")
    func errors() {
        #expect(check("").configuration?.quality == QualitySettings())
        let result = check("""
            quality:
              workers: 100
              rules: missing.yaml
              asr: {url: "ftp://x", modle: small}
            """)
        let messages = result.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("q/h.yaml:11:12:") && $0.contains("workers") })
        #expect(messages.contains { $0.hasPrefix("q/h.yaml:12:10:") && $0.contains("missing.yaml") })
        #expect(messages.contains { $0.contains("ftp://x") })
        #expect(messages.contains { $0.contains("modle") })
    }
}
