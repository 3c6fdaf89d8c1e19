// swift-tools-version: 6.1
// Benchmarks of the Media module's sans-I/O cores. Run from this folder:
//   swift package --disable-sandbox benchmark          (ordo-one/benchmark)
//   swift run -c release media-throughput-timer        (plain timer, operations per second and ratios)
//   swift run -c release rtp-load [--mode one-leg|bridged] [--calls 100,200,400,800] [--seconds 20]
//                                                      (CallMedia over loopback UDP: CPU per call, lateness, memory)
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let hotline = root.lastPathComponent.lowercased()

let package = Package(
    name: "MediaBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "MediaBenchmarkSupport",
            dependencies: [.product(name: "Media", package: hotline)]
        ),
        .executableTarget(
            name: "MediaBenchmarks",
            dependencies: [
                "MediaBenchmarkSupport",
                .product(name: "Media", package: hotline),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MediaBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "media-throughput-timer",
            dependencies: ["MediaBenchmarkSupport", .product(name: "Media", package: hotline)]
        ),
        .executableTarget(
            name: "rtp-load",
            dependencies: [
                .product(name: "Media", package: hotline),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
