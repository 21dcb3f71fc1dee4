// swift-tools-version:6.1
import PackageDescription

/// perennial-audit: the independent verifier of a Perennial public record.
///
/// Written from `SPEC.md` alone. It shares no code with the engine in the parent directory: it depends
/// only on the system C libraries (libsodium, GMP), Foundation and swift-argument-parser. Its C module
/// names (`AuditSodium`, `AuditGMP`) are its own so that the two packages can never be confused.
///
///   AuditSodium, AuditGMP   system C libraries, each with its own module map and shim
///   AuditCurve              the audit's own ristretto255 field/group code in C (batch verification)
///   AuditSHA                SHA-256 through the CPU's SHA extensions (libsodium's where there are none)
///   AuditKit                every rule: record reading, Merkle log, groups, proofs, checks, report
///   perennial-audit         thin command line over AuditKit
let package = Package(
    name: "PerennialAudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "perennial-audit", targets: ["perennial-audit"]),
        .library(name: "AuditKit", targets: ["AuditKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "AuditSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "AuditGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        // The audit's own ristretto255 arithmetic for batch verification (SPEC.md §3.5.1); optimised in debug builds too.
        .target(name: "AuditCurve", cSettings: [.unsafeFlags(["-O2"])]),
        // SHA-256 through the x86 SHA extensions (entry and payload hashes); libsodium where the CPU has none.
        .target(name: "AuditSHA", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "AuditKit", dependencies: ["AuditSodium", "AuditGMP", "AuditCurve", "AuditSHA"]),
        .executableTarget(
            name: "perennial-audit",
            dependencies: ["AuditKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "AuditKitTests", dependencies: ["AuditKit", "AuditSodium", "AuditCurve", "AuditSHA"]),
    ],
    swiftLanguageModes: [.v6]
)
