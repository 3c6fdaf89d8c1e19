import Testing
@testable import ContactCenter

/// Where new calls go among the call loops.
@Suite struct CallLoopPlacementTests {
    @Test func unmeasuredLoopsTakeTurnsFromTheFirst() {
        var placement = CallLoopPlacement(loops: 3)
        #expect((0..<7).map { _ in placement.next() } == [0, 1, 2, 0, 1, 2, 0])
        var single = CallLoopPlacement(loops: 1)
        #expect((0..<3).map { _ in single.next() } == [0, 0, 0])
    }

    @Test func busierLoopGetsASmallerShareSpreadEvenly() {
        var placement = CallLoopPlacement(loops: 2)
        placement.update(loop: 0, busy: 0.7)
        placement.update(loop: 1, busy: 0.2)
        #expect(placement.shares[0] < placement.shares[1])
        #expect(placement.shares[1] == 1)
        let picks = (0..<300).map { _ in placement.next() }
        let share = placement.shares[0] / (placement.shares[0] + placement.shares[1])
        let onBusy = picks.filter { $0 == 0 }.count
        #expect(abs(Double(onBusy) - 300 * share) <= 1)
        // Never two calls running on the busy loop: its turns are spread out.
        #expect(!zip(picks, picks.dropFirst()).contains { $0 == 0 && $1 == 0 })
    }

    @Test func shareStopsAtTheMinimumSoTheLoopIsStillUsed() {
        var placement = CallLoopPlacement(loops: 2)
        for _ in 0..<100 {
            placement.update(loop: 0, busy: 1)
            placement.update(loop: 1, busy: 0)
        }
        #expect(placement.shares[0] == CallLoopPlacement.minimumShare)
        let picks = (0..<210).map { _ in placement.next() }
        #expect(picks.filter { $0 == 0 }.count == 10)
    }

    @Test func nonsenseMeasurementsAreIgnoredOrHeld() {
        var placement = CallLoopPlacement(loops: 2)
        placement.update(loop: 0, busy: .nan)
        placement.update(loop: 5, busy: 0.5)
        #expect(placement.shares == [1, 1])
        #expect(placement.busy == [0, 0])
        placement.update(loop: 1, busy: 7)
        #expect(placement.busy == [0, 1])
    }

    /// A node with 2 loops: loop 0 also carries SIP (0.35 of its time), and each call costs its
    /// loop 0.0004 of a measuring interval. With 1,000 calls an interval the loops level out.
    @Test func loopsLevelOutWhenOneCarriesSIP() {
        var placement = CallLoopPlacement(loops: 2)
        var busy = [0.0, 0.0]
        for _ in 0..<40 {
            var calls = [0, 0]
            for _ in 0..<1000 { calls[placement.next()] += 1 }
            busy = [0.35 + 0.0004 * Double(calls[0]), 0.0004 * Double(calls[1])]
            placement.update(loop: 0, busy: busy[0])
            placement.update(loop: 1, busy: busy[1])
        }
        #expect(abs(busy[0] - busy[1]) < 0.03, "busy \(busy)")
        #expect(placement.shares[0] < 0.3)
    }
}
