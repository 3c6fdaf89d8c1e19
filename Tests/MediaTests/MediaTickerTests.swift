import NIOCore
import NIOPosix
import Testing
@testable import Media

/// The per-loop 20 ms clock: where prompts started now or inside a tick put their first frame.
@Suite struct MediaTickerTests {
    /// Records, inside its first tick, the tick's time and the next tick the ticker reports then.
    final class Probe: MediaTickable, @unchecked Sendable {
        var tickerSlot = -1
        let promise: EventLoopPromise<(now: Duration, next: Duration)>
        var done = false
        let ticker: MediaTicker

        init(ticker: MediaTicker, promise: EventLoopPromise<(now: Duration, next: Duration)>) {
            self.ticker = ticker
            self.promise = promise
        }

        func tick(now: Duration) {
            guard !done else { return }
            done = true
            promise.succeed((now, ticker.nextTick(after: now)))
        }
    }

    @Test func promptsStartOnTheTickGrid() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let interval = Duration.milliseconds(20)

        let (before, first, probe) = try await loop.submit {
            let ticker = MediaTicker.ticker(for: loop)
            let probe = Probe(ticker: ticker, promise: loop.makePromise())
            ticker.add(probe)
            let now = MediaClock.now()
            return (now, ticker.nextTick(after: now), probe)
        }.get()
        // Outside a tick: the next scheduled tick, at most one interval away.
        #expect(first > before)
        #expect(first <= before + interval)

        let inside = try await probe.promise.futureResult.get()
        // Inside a tick the stored deadline has passed: the answer is the following tick, on the same grid.
        #expect(inside.next > inside.now)
        #expect(inside.next - first >= interval)
        let steps = Double((inside.next - first) / .nanoseconds(1)) / Double(interval / .nanoseconds(1))
        #expect(steps == steps.rounded())
        try await loop.submit { probe.ticker.remove(probe) }.get()
    }
}
