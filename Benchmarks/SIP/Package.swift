// swift-tools-version: 6.1
// Benchmarks of the SIP module. Run from this folder:
//   swift package --disable-sandbox benchmark      (ordo-one/benchmark)
//   swift run -c release sip-parse-timer          (plain timer, messages per second)
// The registrar load test with sipp is ../registrar-load.
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let hotline = root.lastPathComponent.lowercased()

let package = Package(
    name: "SIPBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        /// The messages both benchmarks parse.
        .target(name: "SIPBenchmarkMessages"),
        .executableTarget(
            name: "SIPParsing",
            dependencies: [
                "SIPBenchmarkMessages",
                .product(name: "SIP", package: hotline),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SIPParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "sip-parse-timer",
            dependencies: ["SIPBenchmarkMessages", .product(name: "SIP", package: hotline)]
        ),
    ]
)
