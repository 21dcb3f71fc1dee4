// swift-tools-version:6.1
import PackageDescription

/// Perennial: a participatory-democracy engine.
///
/// Layers (each depends only on the ones above it):
///   CSodium, CGMP            system C libraries (libsodium, GMP)
///   CRistretto               our own ristretto255 field/group arithmetic in C (constant time, multi-scalar)
///   CivicCrypto              groups, ElGamal, proofs, threshold keys, signatures, secrets
///   CivicLog                 the one append-only signed Merkle log (SQLite via GRDB)
///   BallotCore, CivicLedger, Deliberation   domain rules, no C imports
///   Perennial                the engine that wires storage, log and modules
///   PerennialKioskCore, PerennialDemo, PerennialBench   the kiosk's session logic, the simulated term, the benchmarks
///   PerennialRemote, PerennialServer        the kiosk API's wire format and client; perennial serve
///   perennial, perennial-kiosk              thin executables
let package = Package(
    name: "Perennial",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "perennial", targets: ["PerennialCommand"]),
        .executable(name: "perennial-kiosk", targets: ["PerennialKiosk"]),
        .executable(name: "perennial-loadtest", targets: ["PerennialLoadTest"]),
        .library(name: "Perennial", targets: ["Perennial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // perennial serve (PerennialServer only; the engine library does not depend on these)
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        // Perennial's own ristretto255 field and group arithmetic (51-bit limbs, multi-scalar multiplication).
        // Optimised even in debug builds: the tests and `make test-cross` run debug binaries.
        .target(name: "CRistretto", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "CivicCrypto", dependencies: ["CSodium", "CGMP", "CRistretto"]),
        .target(name: "CivicLog", dependencies: ["CivicCrypto", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "BallotCore", dependencies: ["CivicCrypto", "CivicLog"]),
        .target(name: "CivicLedger", dependencies: ["CivicCrypto", "CivicLog", "BallotCore"]),
        .target(name: "Deliberation", dependencies: ["CivicCrypto", "CivicLog", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "Perennial",
            dependencies: [
                "CivicCrypto", "CivicLog", "BallotCore", "CivicLedger", "Deliberation",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // The kiosk's screens, session and local-node backend (the node's side, `Node.kioskLookup`, stays in Perennial).
        .target(name: "PerennialKioskCore", dependencies: ["Perennial", "CivicCrypto", "CivicLog", "BallotCore"]),
        // The simulated term (`perennial demo`, the kiosk trial) and the benchmarks (`perennial bench`).
        .target(name: "PerennialDemo", dependencies: ["Perennial", "CivicCrypto", "CivicLog", "BallotCore", "CivicLedger", "Deliberation"]),
        .target(name: "PerennialBench", dependencies: ["Perennial", "CivicCrypto", "CivicLog", "BallotCore", "CivicLedger", "Deliberation"]),
        // The kiosk API's wire format (signed requests, JSON bodies) and its HTTP client; no server code.
        .target(name: "PerennialRemote", dependencies: ["Perennial", "PerennialKioskCore", "CivicCrypto", "CivicLog", "BallotCore"]),
        // perennial serve: the node behind HTTP (Hummingbird), metrics, logs, graceful shutdown.
        .target(
            name: "PerennialServer",
            dependencies: [
                "Perennial", "PerennialRemote", "CivicCrypto", "CivicLog", "BallotCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "PerennialCommand",
            dependencies: ["Perennial", "BallotCore", "CivicCrypto", "CivicLog", "Deliberation", "PerennialServer", "PerennialRemote",
                           "PerennialKioskCore", "PerennialDemo", "PerennialBench",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "PerennialKiosk",
            dependencies: ["Perennial", "PerennialKioskCore", "PerennialRemote", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // make loadtest: simulated kiosks through perennial serve on loopback, beside a direct run.
        .executableTarget(name: "PerennialLoadTest", dependencies: ["Perennial", "PerennialKioskCore", "PerennialDemo", "PerennialRemote", "CivicCrypto", "CivicLog", "BallotCore"]),
        .target(name: "TestSupport", dependencies: ["CivicCrypto"], path: "Tests/TestSupport"),
        .testTarget(name: "CivicCryptoTests", dependencies: ["CivicCrypto", "TestSupport", "CRistretto", "CSodium"]),
        .testTarget(name: "CivicLogTests", dependencies: ["CivicLog", "TestSupport"]),
        // Child process killed at random by CivicLogTests' crash-safety test (see its main.swift).
        .executableTarget(name: "log-crash-writer", dependencies: ["CivicLog"], path: "Tests/LogCrashWriter"),
        .testTarget(name: "BallotCoreTests", dependencies: ["BallotCore", "TestSupport"]),
        .testTarget(name: "CivicLedgerTests", dependencies: ["CivicLedger", "TestSupport"]),
        .testTarget(name: "DeliberationTests", dependencies: ["Deliberation", "Perennial", "BallotCore", "TestSupport"]),
        .testTarget(name: "PerennialTests", dependencies: ["Perennial", "PerennialKioskCore", "PerennialDemo", "PerennialBench",
                                                            "PerennialRemote", "PerennialServer", "TestSupport"]),
        // Thousands of refused invocations run in-process against a node, and seeded decoder fuzzing.
        .testTarget(name: "ClerkProofTests", dependencies: ["PerennialCommand", "Perennial", "PerennialDemo", "BallotCore", "CivicLedger",
                                                            "CivicLog", "CivicCrypto", "Deliberation", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
