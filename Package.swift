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
///   perennial, perennial-kiosk              thin executables
let package = Package(
    name: "Perennial",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "perennial", targets: ["PerennialCommand"]),
        .executable(name: "perennial-kiosk", targets: ["PerennialKiosk"]),
        .library(name: "Perennial", targets: ["Perennial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
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
        .executableTarget(
            name: "PerennialCommand",
            dependencies: ["Perennial", "BallotCore", "CivicCrypto", "CivicLog", "Deliberation",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "PerennialKiosk",
            dependencies: ["Perennial", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "TestSupport", dependencies: ["CivicCrypto"], path: "Tests/TestSupport"),
        .testTarget(name: "CivicCryptoTests", dependencies: ["CivicCrypto", "TestSupport", "CRistretto", "CSodium"]),
        .testTarget(name: "CivicLogTests", dependencies: ["CivicLog", "TestSupport"]),
        // Child process killed at random by CivicLogTests' crash-safety test (see its main.swift).
        .executableTarget(name: "log-crash-writer", dependencies: ["CivicLog"], path: "Tests/LogCrashWriter"),
        .testTarget(name: "BallotCoreTests", dependencies: ["BallotCore", "TestSupport"]),
        .testTarget(name: "CivicLedgerTests", dependencies: ["CivicLedger", "TestSupport"]),
        .testTarget(name: "DeliberationTests", dependencies: ["Deliberation", "Perennial", "BallotCore", "TestSupport"]),
        .testTarget(name: "PerennialTests", dependencies: ["Perennial", "TestSupport"]),
        // Thousands of refused invocations run in-process against a node, and seeded decoder fuzzing.
        .testTarget(name: "ClerkProofTests", dependencies: ["PerennialCommand", "Perennial", "BallotCore", "CivicLedger",
                                                            "CivicLog", "CivicCrypto", "Deliberation", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
