import Foundation
import Testing
@testable import Planning

@Suite("Actual cost")
struct ActualCostTests {
    let t0 = TimeParsing.timestamp("2025-03-03 00:00")!

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func overPaidChannelsAreReleasedWithTheSaving() throws {
        // 22 calls hold the trunk for the whole 10:00 hour and one more for a minute: peak 23,
        // 22.02 E in the busy hour, which 32 channels carry under 1% blocking.
        var records = (0..<22).map { _ in
            CallRecord(start: at(36_000), answered: at(36_000), end: at(39_600), trunk: "telecom", recordedSeconds: 3_600, inspected: true)
        }
        records.append(CallRecord(start: at(37_000), answered: at(37_000), end: at(37_060), trunk: "telecom", recordedSeconds: 60))
        let settings = ActualCostSettings(trunks: [TrunkContract(name: "telecom", kind: .sip, channels: 60)], staffedAgentHours: 50)
        let report = try ActualCostAnalyzer(settings: settings).analyze(records, from: t0, to: at(86_400))
        let trunk = try #require(report.trunks.first)
        #expect(trunk.peakConcurrent == 23)
        #expect(abs(trunk.busyHourErlangs - (22 + 60.0 / 3600)) < 1e-9)
        #expect(trunk.channelsToKeep == 32)
        #expect(trunk.releasable == 28)
        #expect(trunk.annualSaving == 28 * 200 * 12)
        #expect(report.recommendations.first == "telecom: 60 channels paid, peak 23 concurrent, 32 keep blocking under 1%: release 28, saving 67,200 CNY a year")
        #expect(abs(report.recordedMinutes - (22 * 60 + 1)) < 1e-9)
        #expect(abs(report.qaCoverage - 22.0 / 23) < 1e-12)
        #expect(abs((report.occupancy ?? 0) - (22 + 1.0 / 60) / 50) < 1e-12)
        #expect(abs(trunk.minutes - (22 * 60 + 1)) < 1e-9)
    }

    @Test func callsThatTouchDoNotOverlap() {
        let records = [
            CallRecord(start: at(0), end: at(100), trunk: "a"),
            CallRecord(start: at(100), end: at(200), trunk: "a"),
            CallRecord(start: at(150), end: at(160), trunk: "a"),
        ]
        let (peak, when) = ActualCostAnalyzer.peakConcurrent(records)
        #expect(peak == 2)
        #expect(when == at(150))
    }

    @Test func busyHourSplitsCallsAcrossClockHours() {
        let records = [CallRecord(start: at(3_000), end: at(4_200), trunk: "a")]
        let (erlangs, start) = ActualCostAnalyzer.busyHour(records)
        #expect(abs(erlangs - 600.0 / 3600) < 1e-12)
        #expect(start == at(0) || start == at(3_600))
    }

    @Test func priIsReleasedInWholeCircuitsAndComparedWithSIP() throws {
        let records = (0..<5).map { i in CallRecord(start: at(Double(i) * 10), end: at(3_000), trunk: "unicom") }
        let settings = ActualCostSettings(trunks: [TrunkContract(name: "unicom", kind: .pri, channels: 60)])
        let report = try ActualCostAnalyzer(settings: settings).analyze(records, from: t0, to: at(86_400))
        let trunk = try #require(report.trunks.first)
        #expect(trunk.releasable == 30)
        #expect(trunk.annualSaving == 120_000)
        #expect(report.recommendations.contains { $0.hasPrefix("unicom: 2 PRI circuits cost 240,000 CNY a year") })
    }

    @Test func undersizedAndUnknownTrunksAreFlagged() throws {
        let busy = (0..<12).map { _ in CallRecord(start: at(0), end: at(3_600), trunk: "small") }
        let other = [CallRecord(start: at(0), end: at(60), trunk: "mystery")]
        let settings = ActualCostSettings(trunks: [TrunkContract(name: "small", kind: .sip, channels: 10)])
        let report = try ActualCostAnalyzer(settings: settings).analyze(busy + other, from: t0, to: at(86_400))
        #expect(report.recommendations.contains { $0.contains("small: 10 channels paid") && $0.contains("add") })
        #expect(report.recommendations.contains { $0.hasPrefix("mystery: carries calls but is not in the trunk settings") })
    }

    @Test func theSampleCallRecordsAreRead() throws {
        let records = try CallRecordCSV.read(CSVTable(contentsOf: Repository.example("cdr-sample.csv")))
        #expect(records.count == 3_750)
        #expect(records.contains { $0.answered == nil })
        let settings = ActualCostSettings(trunks: [TrunkContract(name: "telecom-sip", kind: .sip, channels: 60),
                                                   TrunkContract(name: "unicom-pri", kind: .pri, channels: 60)])
        let report = try ActualCostAnalyzer(settings: settings)
            .analyze(records, from: t0, to: TimeParsing.timestamp("2025-03-06")!)
        #expect(report.calls == 3_750)
        #expect(report.trunks.map(\.name) == ["telecom-sip", "unicom-pri"])
        #expect(report.trunks.allSatisfy { $0.releasable > 0 })
    }

    @Test func badRecordsAndSettingsAreRejected() throws {
        let csv = "start,answer,end,trunk\n2025-03-03 10:00:00,,2025-03-03 09:00:00,a\n"
        #expect(throws: PlanningError.invalidInput(source: "c.csv", line: 2, message: "end is before start")) {
            try CallRecordCSV.read(CSVTable(text: csv, source: "c.csv"))
        }
        #expect(throws: PlanningError.self) { try TrunkContract(parsing: "telecom=isdn:30") }
        #expect(try TrunkContract(parsing: "telecom=SIP:30") == TrunkContract(name: "telecom", kind: .sip, channels: 30))
        #expect(throws: PlanningError.self) { try ActualCostAnalyzer(settings: ActualCostSettings(trunks: [], blocking: 2)) }
        let analyzer = try ActualCostAnalyzer(settings: ActualCostSettings(trunks: []))
        #expect(throws: PlanningError.self) { try analyzer.analyze([], from: t0, to: t0) }
    }
}
