// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Hotline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .library(name: "SIP", targets: ["SIP"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Planning", targets: ["Planning"]),
        .library(name: "Quality", targets: ["Quality"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
    ],
    targets: [
        // RFC 3261 signalling: syntax, transport, transactions, dialogs, registrar.
        .target(
            name: "SIP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // epoll, recvmmsg and receive timestamps for the RTP receive path (not in Swift's Glibc module).
        .target(name: "CMediaSockets"),
        // SDP, RTP/RTCP, G.711, DTMF, WAV, prompts, bridging and stereo recording.
        .target(
            name: "Media",
            dependencies: [
                "CMediaSockets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The domain: configuration, number plan, trunks, IVR flows, call sessions, CDRs.
        .target(
            name: "ContactCenter",
            dependencies: [
                "SIP",
                "Media",
                "Storage",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Call records on SQLite or PostgreSQL, one code path (SQLKit).
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Erlang B/C capacity, staffing and the cost model.
        .target(
            name: "Planning",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Quality inspection: transcripts, rules, acoustic analysis, emotion, scoring, ASR clients.
        .target(
            name: "Quality",
            dependencies: [
                "Media",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The server's quality-inspection worker: the store's queue, the Quality engine.
        .target(
            name: "Inspection",
            dependencies: [
                "Quality",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP API: call records (JSON, CSV), bearer tokens, the OpenAPI document.
        .target(
            name: "API",
            dependencies: [
                "Storage",
                "SIP",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Assembles every part into one ServiceGroup; HTTP API.
        .target(
            name: "Server",
            dependencies: [
                "SIP",
                "Media",
                "ContactCenter",
                "Quality",
                "Storage",
                "Inspection",
                "API",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hotline",
            dependencies: [
                "Server",
                "Media",
                "ContactCenter",
                "Planning",
                "Quality",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SIPTests",
            dependencies: [
                "SIP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MediaTests",
            dependencies: [
                "Media",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ContactCenterTests",
            dependencies: [
                "ContactCenter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "SIP",
                "Media",
                "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage"]
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API",
                "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Writes a call through the store and waits to be killed (StorageTests' kill -9 test).
        .executableTarget(
            name: "StoreCrashHelper",
            dependencies: ["Storage", .product(name: "Logging", package: "swift-log")],
            path: "Tests/StoreCrashHelper"
        ),
        .testTarget(
            name: "InspectionTests",
            dependencies: [
                "Inspection",
                "Quality",
                "Storage",
                "Media",
                "ContactCenter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PlanningTests",
            dependencies: ["Planning"]
        ),
        .testTarget(
            name: "QualityTests",
            dependencies: [
                "Quality",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
