import Foundation
import Testing
@testable import Planning

@Suite("Erlang B")
struct ErlangBTests {
    // Published check values of the planning issue: 15 lines at 1% carry 8.108 E; 33.33 E at 1% need 45 lines.
    @Test func fifteenLinesAtOnePercentCarry8point108Erlangs() throws {
        let traffic = try ErlangB.traffic(channels: 15, blocking: 0.01)
        #expect(abs(traffic - 8.108) < 0.0005)
        #expect(abs(try ErlangB.blocking(channels: 15, traffic: traffic) - 0.01) < 1e-12)
    }

    @Test func thirtyThreePointThreeErlangsAtOnePercentNeed45Lines() throws {
        #expect(try ErlangB.channels(traffic: 33.33, blocking: 0.01) == 45)
        #expect(try ErlangB.blocking(channels: 44, traffic: 33.33) > 0.01)
        #expect(try ErlangB.blocking(channels: 45, traffic: 33.33) <= 0.01)
    }

    // Standard Erlang B tables at 1% blocking (e.g. ITU-T E.500-series traffic tables, reproduced in
    // every teletraffic handbook): 1 line 0.0101 E, 10 lines 4.46 E, 20 lines 12.03 E, 24 lines (T1) 15.30 E,
    // 30 lines (E1) 20.34 E, 50 lines 37.90 E, 100 lines 84.06 E.
    @Test(arguments: [
        (1, 0.0101), (10, 4.461), (20, 12.031), (24, 15.296), (30, 20.337), (50, 37.901), (100, 84.064),
    ])
    func publishedTableAtOnePercent(channels: Int, erlangs: Double) throws {
        let traffic = try ErlangB.traffic(channels: channels, blocking: 0.01)
        #expect(abs(traffic - erlangs) < 0.0011, "\(channels) channels: \(traffic)")
    }

    // Standard Erlang B loss tables, blocking for given traffic and lines: 2 E on 5 lines 3.67%,
    // 5 E on 10 lines 1.84%, 10 E on 14 lines 5.68%.
    @Test(arguments: [(5, 2.0, 0.0367), (10, 5.0, 0.0184), (14, 10.0, 0.0568)])
    func publishedBlocking(channels: Int, traffic: Double, blocking: Double) throws {
        #expect(abs(try ErlangB.blocking(channels: channels, traffic: traffic) - blocking) < 0.00005)
    }

    @Test func closedFormsForOneAndTwoChannels() throws {
        for a in [0.1, 0.75, 2.5, 10] {
            #expect(abs(try ErlangB.blocking(channels: 1, traffic: a) - a / (1 + a)) < 1e-14)
            #expect(abs(try ErlangB.blocking(channels: 2, traffic: a) - (a * a / 2) / (1 + a + a * a / 2)) < 1e-14)
        }
    }

    @Test func recursionMatchesTheDefinitionForLargeAndFractionalInputs() throws {
        for (n, a) in [(500, 480.3), (2_000, 1_950.5), (10_000, 9_876.54), (10_000, 10_500.25), (300, 12.7)] {
            let b = try ErlangB.blocking(channels: n, traffic: a)
            let reference = referenceErlangB(channels: n, traffic: a)
            #expect(b.isFinite && b > 0 && b < 1)
            #expect(abs(b - reference) <= 1e-9 * max(reference, 1e-300) + 1e-300, "N=\(n) A=\(a): \(b) vs \(reference)")
        }
    }

    @Test func tenThousandChannelsAreSearchedAndInverted() throws {
        let channels = try ErlangB.channels(traffic: 9_800.5, blocking: 0.01)
        #expect(try ErlangB.blocking(channels: channels, traffic: 9_800.5) <= 0.01)
        #expect(try ErlangB.blocking(channels: channels - 1, traffic: 9_800.5) > 0.01)
        let carried = try ErlangB.traffic(channels: 10_000, blocking: 0.01)
        #expect(abs(try ErlangB.blocking(channels: 10_000, traffic: carried) - 0.01) < 1e-10)
        #expect(carried > 9_800 && carried < 10_000 / 0.99)
    }

    @Test func edgeValues() throws {
        #expect(try ErlangB.blocking(channels: 0, traffic: 3) == 1)
        #expect(try ErlangB.blocking(channels: 5, traffic: 0) == 0)
        #expect(try ErlangB.channels(traffic: 0, blocking: 0.01) == 0)
        #expect(try ErlangB.traffic(channels: 0, blocking: 0.01) == 0)
        #expect(try ErlangB.blocking(channels: 10, traffic: 1e-9) < 1e-80)
    }

    @Test func outOfRangeInputsThrowInsteadOfNaN() {
        #expect(throws: PlanningError.outOfRange(name: "traffic", value: -1, expected: "erlangs ≥ 0")) {
            try ErlangB.blocking(channels: 10, traffic: -1)
        }
        #expect(throws: PlanningError.self) { try ErlangB.blocking(channels: 10, traffic: .nan) }
        #expect(throws: PlanningError.self) { try ErlangB.blocking(channels: -1, traffic: 1) }
        #expect(throws: PlanningError.self) { try ErlangB.channels(traffic: 5, blocking: 0) }
        #expect(throws: PlanningError.self) { try ErlangB.channels(traffic: 5, blocking: 1.5) }
        #expect(throws: PlanningError.self) { try ErlangB.traffic(channels: 5, blocking: -0.1) }
        #expect(throws: PlanningError.self) { try ErlangB.channels(traffic: .infinity, blocking: 0.01) }
    }

    @Test func errorMessagesSayWhatIsExpected() {
        let error = PlanningError.outOfRange(name: "traffic", value: -2, expected: "erlangs ≥ 0")
        #expect(error.description == "traffic -2 is out of range: expected erlangs ≥ 0")
    }
}
