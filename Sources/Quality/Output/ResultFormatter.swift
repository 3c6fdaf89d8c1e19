import Foundation

/// Writes inspection results as JSON or as a table for the terminal.
public enum ResultFormatter {
    /// One JSON object for a call, keys in snake_case and sorted.
    public static func json(_ result: CallResult, pretty: Bool = true) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types cannot fail.
        let data = (try? encoder.encode(result)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes a result written by `json(_:)`.
    public static func decode(_ data: Data) throws -> CallResult {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let parts = path.last!.stringValue.split(separator: "_").map(String.init)
            let name = parts.enumerated().map { index, part in
                part == "id" && index > 0 ? "ID" : (index == 0 ? part : part.prefix(1).uppercased() + part.dropFirst())
            }.joined()
            return JSONKey(stringValue: name)
        }
        return try decoder.decode(CallResult.self, from: data)
    }

    /// A readable report: score, sections, findings with time and evidence, emotion and statistics.
    public static func table(_ result: CallResult, pack: RulePack? = nil) -> String {
        var out = ""
        let verdict = result.autoFailed ? "FAIL (auto-fail: \(result.autoFailRules.joined(separator: ", ")))" : (result.passed ? "PASS" : "FAIL")
        out += "Call \(result.callID)  \(formatClock(result.duration))  score \(format(result.score, 1))  \(verdict)\n"
        if let source = result.source { out += "  \(source)\n" }
        out += "\n"
        out += TextTable(headers: ["section", "score", "rules"], rows: result.sections.map {
            ["\($0.name)", "\(format($0.score, 1))/\(format($0.weight, 0))", $0.rules.joined(separator: ", ")]
        }).render()
        out += "\n"
        if result.hits.isEmpty {
            out += "No findings.\n"
        } else {
            let rows: [[String]] = result.hits.map { hit in
                let name = pack?.rule(hit.rule).map { "\(hit.rule) \($0.name)" } ?? hit.rule
                var evidence = hit.text
                if let matched = hit.matched { evidence = "「\(matched)」 \(evidence)" }
                if let detail = hit.detail { evidence = evidence.isEmpty ? detail : "\(evidence)  (\(detail))" }
                return [formatClock(hit.start) + "–" + formatClock(hit.end), name, hit.severity.rawValue,
                        hit.speaker?.chineseName ?? "-", truncate(evidence, 60)]
            }
            out += TextTable(headers: ["time", "rule", "severity", "who", "evidence"], rows: rows).render()
        }
        out += "\n"
        var emotionRows: [[String]] = []
        for speaker in Speaker.allCases {
            let emotion = result.emotion[speaker]
            emotionRows.append([speaker.chineseName, "\(format(emotion.score, 1)) \(emotion.label.chineseName)"]
                + emotion.quarters.map { "\(format($0.score, 1)) \($0.label.chineseName)" })
        }
        out += TextTable(headers: ["emotion", "call", "Q1", "Q2", "Q3", "Q4"], rows: emotionRows).render()
        out += "\n"
        let s = result.statistics
        out += "talk agent \(format(s.agentTalkTime, 1)) s / customer \(format(s.customerTalkTime, 1)) s (agent \(format(s.agentTalkRatio * 100, 0))%)"
        out += "  silence \(format(s.silenceTime, 1)) s, longest \(format(s.longestSilence, 1)) s"
        out += "  overtalk \(s.overtalkCount)× \(format(s.overtalkTime, 1)) s (agent \(s.interruptionsByAgent), customer \(s.interruptionsByCustomer))"
        if let cpm = s.agentCharactersPerMinute { out += "  agent \(format(cpm, 0)) chars/min" }
        out += "\n"
        if let voice = result.voice {
            for channel in [voice.agent, voice.customer] {
                let quarters = channel.quarters.map { q in
                    "Q\(q.quarter) \(q.loudness.map { format($0, 1) } ?? "-") dB \(q.pitch.map { format($0, 0) } ?? "-") Hz"
                }.joined(separator: " | ")
                out += "voice \(channel.speaker.chineseName): \(channel.loudness.map { format($0, 1) } ?? "-") dBFS, \(channel.pitch.map { format($0, 0) } ?? "-") Hz  [\(quarters)]\n"
            }
        }
        return out
    }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func formatClock(_ seconds: Double) -> String {
        let total = max(0, seconds)
        let minutes = Int(total) / 60
        return String(format: "%d:%04.1f", minutes, total - Double(minutes * 60))
    }

    static func truncate(_ text: String, _ width: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let w = TextTable.displayWidth(String(character))
            if used + w > width - 1 { return result + "…" }
            result.append(character)
            used += w
        }
        return result
    }
}

struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// A plain-text table that aligns Chinese (double-width) and Latin text.
public struct TextTable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    /// Columns on a terminal: East Asian wide and full-width characters take two.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            if scalar.properties.generalCategory == .nonspacingMark || v == 0x200B { return width }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) || (0x1F300...0x1F64F).contains(v)
            return width + (wide ? 2 : 1)
        }
    }

    func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - Self.displayWidth(text)))
    }

    public func render() -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        var widths = [Int](repeating: 0, count: columns)
        for row in [headers] + rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.displayWidth(cell)) }
        }
        func line(_ row: [String]) -> String {
            (0..<columns).map { pad($0 < row.count ? row[$0] : "", widths[$0]) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(headers)
        out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) }
        return out
    }
}
