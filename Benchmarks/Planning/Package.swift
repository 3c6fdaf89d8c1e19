// swift-tools-version: 6.1
// Benchmarks of the Planning module. Run from this folder:
//   swift package --disable-sandbox benchmark            (ordo-one/benchmark)
//   swift run -c release planning-staffing-timer         (plain timer with a baseline ratio)
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let hotline = root.lastPathComponent.lowercased()

let package = Package(
    name: "PlanningBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PlanningStaffing",
            dependencies: [
                .product(name: "Planning", package: hotline),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PlanningStaffing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "planning-staffing-timer",
            dependencies: [.product(name: "Planning", package: hotline)]
        ),
    ]
)
