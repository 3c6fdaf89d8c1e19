import Benchmark
import SIP
import SIPBenchmarkMessages

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))
    let parser = SIPMessageParser()
    for (name, bytes) in [("INVITE with SDP", Messages.invite), ("REGISTER", Messages.register), ("200 OK", Messages.ok)] {
        Benchmark("Parse and serialize \(name)", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                let m = try parser.parse(bytes)
                blackHole(m.serialized())
            }
        }
        Benchmark("Parse \(name)", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try parser.parse(bytes))
            }
        }
    }
}
