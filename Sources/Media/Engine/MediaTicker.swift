import NIOConcurrencyHelpers
import NIOCore

/// The media engine's monotonic clock: offsets from an arbitrary origin (the
/// system's uptime), the `now` the sans-I/O cores take.
public enum MediaClock {
    /// The offset of a NIO deadline.
    @inlinable
    public static func offset(of deadline: NIODeadline) -> Duration {
        .nanoseconds(Int64(truncatingIfNeeded: deadline.uptimeNanoseconds))
    }

    /// Now.
    @inlinable
    public static func now() -> Duration { offset(of: .now()) }
}

/// Counters of the media clocks of the whole process, for monitoring: a tick that runs more than
/// one interval after its deadline delays every call on its loop by that much (a gap over 40 ms
/// in what they hear).
public enum MediaClockStatistics {
    fileprivate static let counters = NIOLockedValueBox<(ticks: Int, late: Int)>((0, 0))

    /// Ticks run so far, on every loop.
    public static var ticks: Int { counters.withLockedValue { $0.ticks } }

    /// Ticks that started more than 20 ms after their deadline.
    public static var lateTicks: Int { counters.withLockedValue { $0.late } }
}

/// Something the per-loop ticker drives every 20 ms.
protocol MediaTickable: AnyObject {
    /// Position in the ticker's member list, managed by the ticker (-1 when not a member).
    var tickerSlot: Int { get set }
    /// One 20 ms tick at `now`.
    func tick(now: Duration)
}

/// One 20 ms clock per event loop that ticks every call on that loop, so
/// 800 calls cost 50 timer wake-ups a second per loop rather than 40,000.
///
/// Ticks are scheduled at absolute deadlines (start + k × 20 ms), so they do
/// not drift; a tick that runs late is followed by the next on schedule, and
/// the cores (``PromptPlayer``) produce the frames a late tick owes from the
/// clock. After an overload of more than 100 ms the schedule restarts from
/// now on the same 20 ms grid. Confined to its loop; registration and removal happen on the loop.
final class MediaTicker: NIOScheduledCallbackHandler, @unchecked Sendable {
    static let interval = TimeAmount.milliseconds(20)
    private static let tickers = PerEventLoop<MediaTicker>()

    let eventLoop: any EventLoop
    private var members: [any MediaTickable] = []
    private var scheduled: NIOScheduledCallback?
    private var nextDeadline = NIODeadline.now()
    /// Ticks that started more than one interval after their deadline (for diagnostics).
    private(set) var lateTicks = 0

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The ticker of `eventLoop`. Call on that loop.
    static func ticker(for eventLoop: any EventLoop) -> MediaTicker {
        eventLoop.assertInEventLoop()
        return tickers.value(for: eventLoop) { MediaTicker(eventLoop: eventLoop) }
    }

    /// Starts ticking `member`.
    func add(_ member: any MediaTickable) {
        eventLoop.assertInEventLoop()
        guard member.tickerSlot < 0 else { return }
        member.tickerSlot = members.count
        members.append(member)
        if scheduled == nil {
            nextDeadline = .now() + Self.interval
            schedule()
        }
    }

    /// Stops ticking `member`; the last member leaving stops the clock and forgets the ticker.
    func remove(_ member: any MediaTickable) {
        eventLoop.assertInEventLoop()
        let slot = member.tickerSlot
        guard slot >= 0, slot < members.count, members[slot] === member else { return }
        let last = members.removeLast()
        if slot < members.count {
            members[slot] = last
            last.tickerSlot = slot
        }
        member.tickerSlot = -1
        if members.isEmpty {
            if let scheduled { eventLoop.assumeIsolated().cancelScheduledCallback(scheduled) }
            scheduled = nil
            Self.tickers.remove(self, for: eventLoop)
        }
    }

    /// Calls ticked by this clock.
    var count: Int { members.count }

    /// The deadline of the first tick still to run after `now`, on the ``MediaClock``: the moment a prompt
    /// starting now should have its first frame due, so its frames fall on this clock's grid and a tick that
    /// runs late (by up to one interval) still finds exactly one frame due. Call on the loop.
    func nextTick(after now: Duration) -> Duration {
        eventLoop.assertInEventLoop()
        let interval = Duration.nanoseconds(Self.interval.nanoseconds)
        var next = MediaClock.offset(of: nextDeadline)
        // Inside a tick (or when the schedule restarts) the stored deadline is already past.
        while next <= now { next += interval }
        return next
    }

    private func schedule() {
        scheduled = try? eventLoop.assumeIsolated().scheduleCallback(at: nextDeadline, handler: self)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        let deadline = NIODeadline.now()
        let late = deadline - nextDeadline > Self.interval
        if late { lateTicks += 1 }
        MediaClockStatistics.counters.withLockedValue {
            $0.ticks += 1
            if late { $0.late += 1 }
        }
        let now = MediaClock.offset(of: deadline)
        // A member may leave (or others join) while ticking: iterate over a snapshot and skip those that left.
        let snapshot = members
        for member in snapshot where member.tickerSlot >= 0 {
            member.tick(now: now)
        }
        guard !members.isEmpty else {
            scheduled = nil
            return
        }
        nextDeadline = nextDeadline + Self.interval
        if deadline - nextDeadline > .milliseconds(100) {
            // Restart from now, on the same grid, so prompts started earlier stay aligned with the ticks.
            let missed = (deadline - nextDeadline).nanoseconds / Self.interval.nanoseconds + 1
            nextDeadline = nextDeadline + .nanoseconds(missed * Self.interval.nanoseconds)
        }
        schedule()
    }
}
