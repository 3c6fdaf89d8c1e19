/// The Erlang B loss formula: calls offered to N channels with no queue.
///
/// Uses the recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which stays
/// in [0, 1] at every step, so it is stable for fractional traffic and for
/// N up to ``maximumServers`` without factorials or powers.
public enum ErlangB {
    /// The largest number of channels or agents the searches consider.
    public static let maximumServers = 100_000

    /// The blocking probability for `channels` channels offered `traffic` erlangs.
    public static func blocking(channels: Int, traffic: Double) throws -> Double {
        try Check.servers(channels)
        try Check.traffic(traffic)
        return unchecked(channels: channels, traffic: traffic)
    }

    /// The fewest channels that keep blocking at or below `blocking` for `traffic` erlangs.
    public static func channels(traffic: Double, blocking target: Double) throws -> Int {
        try Check.traffic(traffic)
        try Check.probability(target, name: "blocking target")
        guard traffic > 0 else { return 0 }
        var b = 1.0
        var n = 0
        while b > target {
            n += 1
            if n > maximumServers {
                throw PlanningError.targetUnreachable(
                    "more than \(maximumServers) channels needed for \(traffic) erlangs at \(target) blocking")
            }
            b = traffic * b / (Double(n) + traffic * b)
        }
        return n
    }

    /// The offered traffic, in erlangs, that `channels` channels carry at exactly `blocking`.
    ///
    /// B(N, A) rises with A, so the answer is found by bracketed Newton steps
    /// (bisection where a step would leave the bracket) to a relative 1e-12.
    public static func traffic(channels: Int, blocking target: Double) throws -> Double {
        try Check.servers(channels)
        try Check.probability(target, name: "blocking target")
        guard channels > 0 else { return 0 }
        let n = Double(channels)
        // At A = N / (1 − p) carried traffic A(1 − B) would exceed N unless B ≥ p.
        var low = 0.0
        var high = n / (1 - target)
        var a = n
        for _ in 0..<200 {
            let b = unchecked(channels: channels, traffic: a)
            let f = b - target
            if f > 0 { high = a } else { low = a }
            // dB/dA = B (N/A − 1 + B)
            let slope = b * (n / a - 1 + b)
            var next = slope > 0 ? a - f / slope : .nan
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - a) <= 1e-12 * max(1, a) { return next }
            a = next
        }
        return a
    }

    /// The recursion without input checks; callers have validated.
    static func unchecked(channels: Int, traffic: Double) -> Double {
        var b = 1.0
        if channels == 0 { return b }
        for n in 1...channels {
            b = traffic * b / (Double(n) + traffic * b)
        }
        return b
    }
}
