#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore

/// Puts event loop threads under the real-time round-robin scheduler (`SCHED_RR`), as telephony
/// servers do for their media threads: a runnable loop then never waits behind ordinary programs
/// for a core, so the 20 ms media clock keeps time on a busy machine. Linux still keeps 5% of
/// each period for ordinary threads (`sched_rt_runtime_us`), so a loop that spins cannot lock the
/// machine up.
public enum RealtimeScheduling {
    /// Applies `priority` (1–99) to every loop of `group`; a loop that cannot get it (no root or
    /// CAP_SYS_NICE) is logged and left as it is.
    public static func apply(priority: Int, to group: any EventLoopGroup, logger: Logger) async {
        var applied = 0, failed: Int32 = 0
        for loop in group.makeIterator() {
            let result = try? await loop.submit { () -> Int32 in
                var parameters = sched_param()
                parameters.sched_priority = Int32(priority)
                return pthread_setschedparam(pthread_self(), Int32(SCHED_RR), &parameters)
            }.get()
            if result == 0 { applied += 1 } else { failed = result ?? -1 }
        }
        if failed != 0 {
            logger.warning("event loops not given real-time priority", metadata: [
                "priority": "\(priority)", "error": "\(String(cString: strerror(failed)))", "loops-applied": "\(applied)",
            ])
        } else {
            logger.notice("event loops run under SCHED_RR", metadata: ["priority": "\(priority)", "loops": "\(applied)"])
        }
    }
}
