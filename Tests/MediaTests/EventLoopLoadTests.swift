import NIOCore
import Testing
@testable import Media

/// How busy an event loop's thread was: CPU time over wall time.
@Suite struct EventLoopLoadTests {
    @Test func busyIsCPUTimeOverWallTimeHeldToOne() {
        #expect(EventLoopBusy.fraction(cpu: .milliseconds(50), wall: .milliseconds(200)) == 0.25)
        #expect(EventLoopBusy.fraction(cpu: .milliseconds(210), wall: .milliseconds(200)) == 1)
        #expect(EventLoopBusy.fraction(cpu: .milliseconds(-1), wall: .milliseconds(200)) == 0)
        #expect(EventLoopBusy.fraction(cpu: .milliseconds(1), wall: .zero) == nil)
    }

    @Test func threadCPUTimeAdvancesWithWork() {
        let before = EventLoopLoadSampler.threadCPUTime()
        var x: UInt64 = 1
        for i in 0..<2_000_000 { x = x &* 6364136223846793005 &+ UInt64(i) }
        #expect(x != 0)
        #expect(EventLoopLoadSampler.threadCPUTime() > before)
    }
}
