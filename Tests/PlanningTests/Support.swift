import Foundation
import Testing
@testable import Planning

/// Files shipped in the repository, found from this source file.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) -> String {
        root.appendingPathComponent("examples/planning").appendingPathComponent(name).path
    }
}

/// Erlang B straight from its definition, summed in log space, as an independent reference.
func referenceErlangB(channels n: Int, traffic a: Double) -> Double {
    // B = (A^N / N!) / Σ_{k=0}^{N} A^k / k!
    let logTerms = (0...n).map { k in Double(k) * log(a) - lgamma(Double(k) + 1) }
    let top = logTerms.max()!
    let sum = logTerms.reduce(0) { $0 + exp($1 - top) }
    return exp(logTerms[n] - top) / sum
}
