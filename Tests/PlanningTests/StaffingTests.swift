import Foundation
import Testing
@testable import Planning

@Suite("Staffing per interval")
struct StaffingTests {
    let goal = try! StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20), shrinkage: 0.3)

    @Test func forecastCSVInfersTheIntervalAndStaffsEachRow() throws {
        let csv = """
            # a morning
            start,calls,aht
            Mon 08:00,50,180
            Mon 08:30,100,180
            Mon 09:00,0,180
            """
        let forecast = try ForecastCSV.read(CSVTable(text: csv, source: "f.csv"))
        #expect(forecast.intervalSeconds == 1800)
        let plan = try StaffingPlanner(goal: goal, blocking: 0.01).plan(forecast)
        #expect(plan.intervals.map(\.requirement.agents) == [8, 14, 0])
        #expect(plan.peak?.start == "Mon 08:30")
        #expect(plan.peak?.requirement.staff == 20)
        #expect(plan.agentHours == 11)
        #expect(plan.intervals[2].channels == 0)
        #expect((plan.intervals[1].channels ?? 0) >= 17)
    }

    @Test func datesAndClockTimesGiveTheInterval() throws {
        let dated = "start,calls,aht\n2025-03-03 08:00,5,200\n2025-03-03 08:15,6,200\n"
        #expect(try ForecastCSV.read(CSVTable(text: dated, source: "d.csv")).intervalSeconds == 900)
        let clock = "interval_start,offered,aht_seconds\n08:00,5,200\n09:00,6,200\n"
        #expect(try ForecastCSV.read(CSVTable(text: clock, source: "c.csv")).intervalSeconds == 3600)
        let labels = "start,calls,aht\nmorning,5,200\nnoon,6,200\n"
        #expect(throws: PlanningError.self) { try ForecastCSV.read(CSVTable(text: labels, source: "l.csv")) }
        #expect(try ForecastCSV.read(CSVTable(text: labels, source: "l.csv"), intervalSeconds: 3600).intervals.count == 2)
    }

    @Test func badRowsAreReportedWithTheirLine() throws {
        let csv = "start,calls,aht\nMon 08:00,5,200\nMon 08:15,many,200\n"
        #expect(throws: PlanningError.invalidInput(source: "bad.csv", line: 3, message: "calls 'many' is not a number")) {
            try ForecastCSV.read(CSVTable(text: csv, source: "bad.csv"))
        }
        let negative = "start,calls,aht\nMon 08:00,-5,200\nMon 08:15,5,200\n"
        #expect(throws: PlanningError.self) { try ForecastCSV.read(CSVTable(text: negative, source: "n.csv")) }
        #expect(throws: PlanningError.self) { try ForecastCSV.read(CSVTable(text: "when,calls\n", source: "h.csv")) }
    }

    @Test func csvQuotingAndCRLF() throws {
        let table = try CSVTable(text: "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n", source: "q.csv")
        #expect(table.rows.first?.fields == ["x, y", "say \"hi\""])
        #expect(table.rows.first?.line == 2)
    }

    @Test func theShippedWeekHas672IntervalsAndAPeakOnAWeekday() throws {
        let forecast = try ForecastCSV.read(CSVTable(contentsOf: Repository.example("forecast-week.csv")))
        #expect(forecast.intervals.count == 672)
        #expect(forecast.intervalSeconds == 900)
        let plan = try StaffingPlanner(goal: goal).plan(forecast)
        let peak = try #require(plan.peak)
        #expect(!peak.start.hasPrefix("Sat") && !peak.start.hasPrefix("Sun"))
        #expect(plan.overallServiceLevel >= 0.8)
        for interval in plan.intervals where interval.calls > 0 {
            #expect(interval.requirement.serviceLevel >= 0.8)
        }
    }

    @Test func aForecastFromCallRecordsCountsCallsAndHandleTime() throws {
        let t0 = try #require(TimeParsing.timestamp("2025-03-03 08:00"))
        let records = [
            CallRecord(start: t0.addingTimeInterval(60), answered: t0.addingTimeInterval(90), end: t0.addingTimeInterval(290), trunk: "a"),
            CallRecord(start: t0.addingTimeInterval(600), answered: t0.addingTimeInterval(610), end: t0.addingTimeInterval(710), trunk: "a"),
            CallRecord(start: t0.addingTimeInterval(1000), end: t0.addingTimeInterval(1030), trunk: "a"),
            CallRecord(start: t0.addingTimeInterval(-10), end: t0.addingTimeInterval(30), trunk: "a"),
        ]
        let forecast = try Forecast(records: records, from: t0, to: t0.addingTimeInterval(1800), intervalSeconds: 900)
        #expect(forecast.intervals.map(\.calls) == [2, 1])
        #expect(forecast.intervals[0].averageHandleTime == 150)
        #expect(forecast.intervals[1].averageHandleTime == 150)
        #expect(forecast.intervals[0].start == "2025-03-03 08:00")
        #expect(forecast.intervals[1].start == "2025-03-03 08:15")
    }

    @Test func timestampsRoundTrip() throws {
        let date = try #require(TimeParsing.timestamp("2024-02-29T23:59:30Z"))
        #expect(date.timeIntervalSince1970 == 1_709_251_170)
        #expect(TimeParsing.format(date) == "2024-02-29 23:59")
        #expect(TimeParsing.timestamp("2024-13-01") == nil)
        #expect(TimeParsing.minutes("Tue 01:30") == Double(1440 + 90))
    }
}
