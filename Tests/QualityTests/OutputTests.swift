import Foundation
import Testing
@testable import Quality

@Suite struct OutputTests {
    let result = sharedInspector.inspect(call("c-42", [("c", 0, 3, "喂？"), ("a", 3, 6, "你说吧。"), ("c", 6, 10, "我要投诉你们！")]))

    @Test func jsonCarriesHitsWithRuleSpeakerTimeAndText() throws {
        let json = ResultFormatter.json(result)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(object["call_id"] as? String == "c-42")
        #expect(object["score"] is Double || object["score"] is Int)
        let hits = object["hits"] as! [[String: Any]]
        let complaint = try #require(hits.first { $0["rule"] as? String == "complaint_risk" })
        #expect(complaint["speaker"] as? String == "customer")
        #expect(complaint["start"] as? Double == 6)
        #expect(complaint["end"] as? Double == 10)
        #expect(complaint["text"] as? String == "我要投诉你们！")
        #expect(complaint["matched"] as? String == "投诉")
        let emotion = object["emotion"] as! [String: Any]
        let customer = emotion["customer"] as! [String: Any]
        #expect((customer["quarters"] as! [Any]).count == 4)
        #expect((object["statistics"] as! [String: Any])["agent_talk_time"] as? Double == 3)
    }

    @Test func jsonRoundTrips() throws {
        let decoded = try ResultFormatter.decode(Data(ResultFormatter.json(result).utf8))
        #expect(decoded == result)
    }

    @Test func tableShowsScoreFindingsAndEmotion() {
        let table = ResultFormatter.table(result, pack: .standard)
        #expect(table.contains("Call c-42"))
        #expect(table.contains("complaint_risk 投诉风险"))
        #expect(table.contains("「投诉」"))
        #expect(table.contains("0:06.0–0:10.0"))
        #expect(table.contains("客户"))
    }

    @Test func tableAlignsDoubleWidthText() {
        let rendered = TextTable(headers: ["a", "b"], rows: [["投诉", "x"], ["ab", "y"]]).render()
        let lines = rendered.split(separator: "\n").map(String.init)
        // "投诉" is four columns wide, so "x" and "y" line up.
        #expect(lines[2] == "投诉  x")
        #expect(lines[3] == "ab    y")
        #expect(TextTable.displayWidth("投诉ab") == 6)
    }
}

@Suite struct TranscriptLoadingTests {
    @Test func readsTheCallForm() throws {
        let data = Data(#"{"call_id": "x", "duration": 30, "segments": [{"speaker": "customer", "start": 2, "end": 3, "text": "喂"}, {"speaker": "agent", "start": 0, "end": 1.5, "text": "您好"}]}"#.utf8)
        let transcript = try TranscriptLoader.decode(data, fallbackID: "f")
        #expect(transcript.callID == "x" && transcript.duration == 30)
        #expect(transcript.segments.map(\.speaker) == [.agent, .customer])
    }

    @Test func readsRecogniserOutputPerChannel() throws {
        let data = Data(#"""
        {"agent": {"task": "transcribe", "language": "chinese", "duration": 10, "text": "您好 再见",
                   "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 2.0, "text": "您好", "tokens": [1], "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0, "no_speech_prob": 0.01},
                                {"id": 1, "seek": 0, "start": 3.0, "end": 3.5, "text": " ", "no_speech_prob": 0.2},
                                {"id": 2, "seek": 0, "start": 8.0, "end": 9.0, "text": "再见", "no_speech_prob": 0.01}]},
         "customer": {"text": "我要投诉", "segments": [{"id": 0, "start": 4.0, "end": 6.0, "text": "我要投诉"}]}}
        """#.utf8)
        let transcript = try TranscriptLoader.decode(data, fallbackID: "file-name")
        #expect(transcript.callID == "file-name")
        #expect(transcript.duration == 10)
        #expect(transcript.segments.map(\.text) == ["您好", "我要投诉", "再见"])
        #expect(transcript.segments.map(\.speaker) == [.agent, .customer, .agent])
    }

    @Test func explainsWhatIsWrong() {
        #expect { try TranscriptLoader.decode(Data(#"{"segments": [{"start": 0, "end": 1, "text": "x"}]}"#.utf8), fallbackID: "f", file: "t.json") } throws: { error in
            "\(error)".contains("t.json") && "\(error)".contains("per channel")
        }
        #expect { try TranscriptLoader.decode(Data(#"{"segments": [{"speaker": "boss", "start": 0, "end": 1, "text": "x"}]}"#.utf8), fallbackID: "f") } throws: { error in
            "\(error)".contains("unknown speaker")
        }
    }
}

@Suite struct NumberFormattingTests {
    @Test func fixedDecimals() {
        #expect(fixed(12.345, 1) == "12.3")
        #expect(fixed(-3.25, 1) == "-3.3" || fixed(-3.25, 1) == "-3.2")
        #expect(fixed(0.04, 1) == "0.0")
        #expect(fixed(-0.04, 1) == "0.0")
        #expect(fixed(336.4, 0) == "336")
        #expect(fixed(1.005, 2) == "1.00" || fixed(1.005, 2) == "1.01")
        #expect(fixed(7, 3) == "7.000")
        #expect(fixed(-12.05, 2) == "-12.05")
    }
}
