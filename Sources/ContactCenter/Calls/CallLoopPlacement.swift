import Foundation

/// Chooses the event loop each new call runs on, so that the loops end up about as busy as
/// each other.
///
/// Every loop gets new calls in proportion to its share, spread evenly (smooth weighted round
/// robin: with shares 1 and 2 the loops come B A B B A B …, never in runs). Shares start equal,
/// which is plain round robin from the first loop. Each measurement of a loop
/// (``update(loop:busy:)``) moves its share against its distance from the loops' mean: a loop
/// busier than the others gets a smaller share, one idler a larger, until they are level. The
/// loop that also carries SIP for the whole node thus takes fewer calls, however short or long the
/// calls are. A value: the caller measures and reports.
public struct CallLoopPlacement: Sendable {
    /// The least share a loop keeps (the largest is 1), so a busy loop is never left out for good.
    public static let minimumShare = 0.05
    /// How far one measurement moves a share: by a factor of e^(−gain × (busy − mean busy)).
    public static let gain = 2.0

    /// Each loop's share of new calls, `minimumShare`…1.
    public private(set) var shares: [Double]
    /// Each loop's busy fraction (0…1) at its last measurement.
    public private(set) var busy: [Double]
    private var credit: [Double]

    /// `loops` loops with equal shares.
    public init(loops: Int) {
        precondition(loops > 0, "a call needs a loop")
        shares = Array(repeating: 1, count: loops)
        busy = Array(repeating: 0, count: loops)
        credit = Array(repeating: 0, count: loops)
    }

    /// The loop (its index) for the next call.
    public mutating func next() -> Int {
        guard shares.count > 1 else { return 0 }
        var best = 0
        var total = 0.0
        for index in shares.indices {
            credit[index] += shares[index]
            total += shares[index]
            if credit[index] > credit[best] { best = index }
        }
        credit[best] -= total
        return best
    }

    /// Takes the busy fraction of loop `index` (CPU time over wall time) just measured, and moves
    /// its share by how far it is from the mean of every loop's last measurement.
    public mutating func update(loop index: Int, busy fraction: Double) {
        guard busy.indices.contains(index), fraction.isFinite else { return }
        busy[index] = min(max(fraction, 0), 1)
        let mean = busy.reduce(0, +) / Double(busy.count)
        let moved = shares[index] * exp(-Self.gain * (busy[index] - mean))
        shares[index] = min(1, max(Self.minimumShare, moved))
    }
}
