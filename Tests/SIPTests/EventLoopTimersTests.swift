import NIOCore
import NIOEmbedded
import Testing
@testable import SIP

/// Timers behind one NIO task, in the virtual time of an embedded loop.
@Suite struct EventLoopTimersTests {
    @Test func timersFireInDeadlineOrderAcrossDelaysAndCancelledOnesNever() {
        let loop = EmbeddedEventLoop()
        let timers = EventLoopTimers(eventLoop: loop)
        var fired: [String] = []
        timers.schedule(in: .milliseconds(500)) { fired.append("a500") }
        let cancelled = timers.schedule(in: .milliseconds(500)) { fired.append("b500") }
        timers.schedule(in: .seconds(32)) { fired.append("c32s") }
        timers.schedule(in: .milliseconds(500)) { fired.append("d500") }
        loop.advanceTime(by: .milliseconds(100))
        // Started later with a shorter delay: due before the 500 ms timers.
        timers.schedule(in: .milliseconds(200)) { fired.append("e200") }
        timers.cancel(cancelled)
        #expect(timers.count == 4)

        loop.advanceTime(by: .milliseconds(199))
        #expect(fired.isEmpty)
        loop.advanceTime(by: .milliseconds(1))
        #expect(fired == ["e200"])
        loop.advanceTime(by: .milliseconds(200))
        #expect(fired == ["e200", "a500", "d500"])
        loop.advanceTime(by: .seconds(31))
        #expect(fired.count == 3)
        loop.advanceTime(by: .milliseconds(500))
        #expect(fired == ["e200", "a500", "d500", "c32s"])
        #expect(timers.count == 0)
    }

    @Test func aTimerStartedByAFiringTimerRunsOnItsOwnDeadline() {
        let loop = EmbeddedEventLoop()
        let timers = EventLoopTimers(eventLoop: loop)
        var fired: [NIODeadline] = []
        timers.schedule(in: .seconds(1)) {
            fired.append(loop.now)
            timers.schedule(in: .milliseconds(500)) { fired.append(loop.now) }
            timers.schedule(in: .seconds(1)) { fired.append(loop.now) }
        }
        loop.advanceTime(by: .seconds(5))
        let start = NIODeadline.uptimeNanoseconds(0)
        #expect(fired == [start + .seconds(1), start + .milliseconds(1500), start + .seconds(2)])
    }

    @Test func cancellingEveryTimerLeavesNothingToRun() {
        let loop = EmbeddedEventLoop()
        let timers = EventLoopTimers(eventLoop: loop)
        var fired = 0
        let started = (0..<1000).map { n in timers.schedule(in: .milliseconds(500 + 100 * Int64(n % 3))) { fired += 1 } }
        for timer in started { timers.cancel(timer) }
        timers.schedule(in: .seconds(2)) { fired += 100 }
        loop.advanceTime(by: .seconds(3))
        #expect(fired == 100)
        #expect(timers.count == 0)
    }
}
