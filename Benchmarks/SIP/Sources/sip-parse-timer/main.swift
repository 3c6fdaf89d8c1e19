import Foundation
import SIP
import SIPBenchmarkMessages

/// Parses and re-serializes each message in a loop on one thread and prints
/// messages per second. The baseline in the same run copies the bytes and
/// reads each one (what any parser must at least do), so the ratio says what
/// parsing costs over touching the message.
/// `ITERATIONS=N` runs a fixed count instead of a fixed time (for profilers);
/// `ONLY=INVITE` keeps the messages whose name contains that word, and
/// `MODE=parse` or `MODE=both` runs only that loop. Instructions per message:
/// the difference of two `valgrind --tool=callgrind` runs with ITERATIONS
/// 1000 apart, divided by 1000 (`Benchmarks/SIP/instructions`).
let parser = SIPMessageParser()
let clock = ContinuousClock()
let environment = ProcessInfo.processInfo.environment
let fixed = environment["ITERATIONS"].flatMap(Int.init)
let only = environment["ONLY"]
let mode = environment["MODE"]

@inline(never)
func touch(_ bytes: [UInt8]) -> Int {
    var copy = bytes
    copy[0] ^= 1
    var sum = 0
    for b in copy { sum &+= Int(b) }
    return sum
}

func rate(_ body: () -> Int) -> (Double, Int) {
    var n = 0
    var sink = 0
    let start = clock.now
    repeat {
        for _ in 0..<1000 { sink &+= body() }
        n += 1000
    } while fixed.map { n < $0 } ?? (clock.now - start < .seconds(2))
    let e = clock.now - start
    return (Double(n) / (Double(e.components.seconds) + Double(e.components.attoseconds) / 1e18), sink)
}

for (name, bytes) in [("INVITE with SDP", Messages.invite), ("REGISTER with Authorization", Messages.register), ("200 OK with SDP", Messages.ok)]
where only.map({ name.contains($0) }) ?? true {
    precondition((try? parser.parse(bytes)) != nil, "\(name) does not parse")
    let (parseOnly, a) = mode == "both" ? (1, 0) : rate { (try! parser.parse(bytes)).headers.count }
    let (both, b) = mode == "parse" ? (1, 0) : rate { (try! parser.parse(bytes)).serialized().count }
    let (baseline, c) = fixed == nil ? rate { touch(bytes) } : (1, 0)
    print("\(name) (\(bytes.count) bytes): parse \(Int(parseOnly))/s, parse+serialize \(Int(both))/s; baseline copy+read \(Int(baseline))/s = \(String(format: "%.0f", baseline / both))x [\((a &+ b &+ c) % 2)]")
}
