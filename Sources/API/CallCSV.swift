import Foundation
import Storage

/// Call records as RFC 4180 CSV: a header row, CRLF line ends, fields quoted
/// when they hold a comma, a quote or a line break, UTF-8.
///
/// A text field that a spreadsheet would run as a formula (starting with `=`,
/// `@`, a tab, a carriage return, or `+`/`-` not followed by a digit) gets a
/// leading `'`: the SIP Call-ID, the caller's domain and CRM variables come
/// from outside. Numbers such as `+8613812345678` are left as they are.
enum CallCSV {
    static let columns = [
        "id", "started_at", "answered_at", "ended_at", "caller", "caller_domain", "dialled", "trunk", "disposition",
        "steps", "digits", "queue", "agent", "wait_seconds", "talk_seconds", "hangup_by", "hangup_cause", "sip_status",
        "caller_packets_lost", "caller_jitter_ms", "agent_packets_lost", "agent_jitter_ms", "recording", "cost",
        "sip_call_id", "variables",
    ]

    static let header = columns.joined(separator: ",") + "\r\n"

    static func row(_ record: CallRecord, role: APITokens.Role) -> String {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func number(_ value: Int?) -> String { value.map { "\($0)" } ?? "" }
        let fields: [String] = [
            record.id.uuidString.lowercased(),
            ISO8601.format(record.startedAt),
            record.answeredAt.map(ISO8601.format) ?? "",
            record.endedAt.map(ISO8601.format) ?? "",
            visible(record.caller, role: role),
            record.callerDomain ?? "",
            record.dialled,
            record.trunk ?? "",
            record.disposition.rawValue,
            record.steps.joined(separator: " > "),
            visible(record.digits, role: role),
            record.queue ?? "",
            record.agent ?? "",
            number(record.waitSeconds),
            number(record.talkSeconds),
            record.hangupBy?.rawValue ?? "",
            record.hangupCause ?? "",
            number(record.sipStatus),
            number(record.callerMedia?.packetsLost),
            number(record.callerMedia?.jitterMilliseconds),
            number(record.agentMedia?.packetsLost),
            number(record.agentMedia?.jitterMilliseconds),
            record.recording ?? "",
            number(record.cost),
            record.sipCallID,
            record.variables.isEmpty ? "" : variablesJSON(record.variables),
        ]
        return fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first {
            let second = text.unicodeScalars.dropFirst().first
            let formula = first == "=" || first == "@" || first == "\t" || first == "\r"
                || ((first == "+" || first == "-") && !(second.map { CharacterSet.decimalDigits.contains($0) } ?? false))
            if formula { text = "'" + text }
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func variablesJSON(_ variables: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(variables), as: UTF8.self)) ?? ""
    }
}
