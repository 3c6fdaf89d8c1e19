// swift-tools-version: 6.1
// libFuzzer target for the SIP parser. Build and run with scripts/fuzz-sip.
// It compiles the dependency-free syntax layer of the SIP module directly.
import PackageDescription

let package = Package(
    name: "HotlineFuzz",
    targets: [
        .executableTarget(
            name: "SIPParserFuzz",
            path: "Sources/SIPParserFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
