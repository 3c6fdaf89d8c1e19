import Foundation
@testable import Quality

typealias Line = (String, Double, Double, String)

/// Builds a transcript from (speaker, start, end, text) tuples; "a" is the agent, "c" the customer.
func call(_ lines: [Line]) -> Transcript { call("test", duration: nil, lines) }
func call(duration: Double, _ lines: [Line]) -> Transcript { call("test", duration: duration, lines) }
func call(_ id: String, duration: Double? = nil, _ lines: [Line]) -> Transcript {
    Transcript(callID: id, duration: duration, segments: lines.map { line in
        Segment(speaker: line.0 == "a" ? .agent : .customer, start: line.1, end: line.2, text: line.3)
    })
}

/// A polite call with greeting and closing and nothing wrong, lasting about a minute.
func cleanCall(middle: [Line] = []) -> Transcript {
    let resume = max(13, middle.map(\.2).max() ?? 0) + 0.5
    return call([("a", 0, 4, "您好，很高兴为您服务，请问有什么可以帮您？"),
                 ("c", 4.5, 8, "你好，我想查一下我的快递到哪里了。"),
                 ("a", 8.5, 13, "好的，请您提供一下运单号码。")]
                + middle
                + [("c", resume, resume + 3, "好的，谢谢你。"),
                   ("a", resume + 3.5, resume + 8, "不客气，感谢您的来电，祝您生活愉快，再见。")])
}

let sharedInspector: QualityInspector = try! QualityInspector()

/// The repository root, found from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fired(_ transcript: Transcript, inspector: QualityInspector = sharedInspector) -> Set<String> {
    Set(inspector.inspect(transcript).rules)
}
