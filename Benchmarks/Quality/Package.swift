// swift-tools-version: 6.1
// Benchmarks of the Quality module. Run from this folder:
//   swift package --disable-sandbox benchmark      (ordo-one/benchmark)
//   swift run -c release quality-timer             (plain timer: transcripts/s/core, voice analysis × real time)
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let hotline = root.lastPathComponent.lowercased()

let package = Package(
    name: "QualityBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "QualityBenchmarkSupport",
            dependencies: [.product(name: "Quality", package: hotline)]
        ),
        .executableTarget(
            name: "QualityBenchmarks",
            dependencies: [
                "QualityBenchmarkSupport",
                .product(name: "Quality", package: hotline),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QualityBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "quality-timer",
            dependencies: ["QualityBenchmarkSupport", .product(name: "Quality", package: hotline)]
        ),
    ]
)
