@testable import ContactCenter
import Foundation
import Testing

/// Call-rate limits: the token bucket on an injected clock, the node's and trunks' limits across a
/// reload, and the configuration keys.
@Suite("Call rate limits")
struct CallRateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// `count` takes at `time`.
    func takes(_ count: Int, _ bucket: inout TokenBucket, at time: Date) -> [Bool] {
        (0..<count).map { _ in bucket.take(at: time) }
    }

    func admits(_ count: Int, _ limits: inout CallRateLimits, trunk: String, at time: Date) -> [CallRateLimits.Limit?] {
        (0..<count).map { _ in limits.admit(trunk: trunk, at: time) }
    }

    @Test("a bucket admits a burst of one second's worth, then the rate; a clock stepping back adds nothing")
    func bucket() {
        var bucket = TokenBucket(rate: 3)
        #expect(takes(4, &bucket, at: t0) == [true, true, true, false])
        // A third of a second brings one token.
        #expect(takes(2, &bucket, at: t0 + 0.34) == [true, false])
        // Back in time: nothing added, and that time is not counted twice later.
        #expect(takes(1, &bucket, at: t0 - 5) == [false])
        #expect(takes(1, &bucket, at: t0 + 0.5) == [false])
        #expect(takes(1, &bucket, at: t0 + 0.68) == [true])
        // A long pause fills it only up to the burst.
        #expect(takes(4, &bucket, at: t0 + 100) == [true, true, true, false])
        var slow = TokenBucket(rate: 0.5)
        #expect(slow.burst == 1)
        #expect(takes(1, &slow, at: t0) + takes(1, &slow, at: t0 + 1.9) + takes(1, &slow, at: t0 + 2) == [true, false, true])
    }

    func configuration(node: Int?, trunk: Int?) throws -> HotlineConfiguration {
        var main = ConfigurationFixture.main
        if let node { main = main.replacingOccurrences(of: "  name: Test", with: "  name: Test\n  calls-per-second: \(node)") }
        if let trunk { main = main.replacingOccurrences(of: "    proxy: 203.0.113.1", with: "    proxy: 203.0.113.1\n    calls-per-second: \(trunk)") }
        let check = ConfigurationFixture.check(files: ["main.yaml": main])
        #expect(check.diagnostics.isEmpty)
        return try #require(check.configuration)
    }

    @Test("the trunk's limit is asked first, then the node's; a reload keeps a limit that did not change")
    func limits() throws {
        var limits = CallRateLimits(try configuration(node: 3, trunk: 2))
        #expect(admits(3, &limits, trunk: "carrier", at: t0) == [nil, nil, .trunk("carrier")])
        // Another trunk (unlimited) still has the node's last token.
        #expect(admits(2, &limits, trunk: "other", at: t0) == [nil, .node])
        // The same limits again: the empty buckets stay empty (a reload is no way round a limit).
        limits.reconfigure(try configuration(node: 3, trunk: 2))
        #expect(admits(1, &limits, trunk: "carrier", at: t0) == [.trunk("carrier")])
        #expect(admits(1, &limits, trunk: "other", at: t0) == [.node])
        // New limits start full; none at all admits everything.
        limits.reconfigure(try configuration(node: 5, trunk: nil))
        #expect(admits(6, &limits, trunk: "carrier", at: t0) == [nil, nil, nil, nil, nil, .node])
        limits.reconfigure(try configuration(node: nil, trunk: nil))
        #expect(admits(100, &limits, trunk: "carrier", at: t0).allSatisfy { $0 == nil })
    }

    @Test("calls-per-second is read for the node and each trunk, and must be a whole number of at least 1")
    func configurationKeys() throws {
        let configuration = try configuration(node: 2000, trunk: 50)
        #expect(configuration.hotline.callsPerSecond == 2000)
        #expect(configuration.trunks.first?.callsPerSecond == 50)
        let bad = ConfigurationFixture.main
            .replacingOccurrences(of: "  name: Test", with: "  name: Test\n  calls-per-second: 0")
            .replacingOccurrences(of: "    proxy: 203.0.113.1", with: "    proxy: 203.0.113.1\n    calls-per-second: fast")
        #expect(ConfigurationFixture.check(files: ["main.yaml": bad]).diagnostics.map(\.description) == [
            "main.yaml:4:21: 'calls-per-second' should be at least 1, not 0",
            "main.yaml:10:23: 'calls-per-second' should be a whole number, not 'fast'",
        ])
    }
}
