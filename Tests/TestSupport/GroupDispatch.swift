import CivicCrypto

/// Runs generic test code over a group picked by name. Swift Testing functions cannot be generic,
/// so a parameterized test passes a ``GroupName`` and calls the same generic helper for each
/// concrete group type through the two closures.
public func withTestGroup<R>(
    _ name: GroupName,
    ristretto: (Ristretto255Group) throws -> R,
    modp: (ModPGroup) throws -> R
) rethrows -> R {
    switch name {
    case .ristretto255: try ristretto(.shared)
    case .eg4096: try modp(.eg4096)
    case .belenios2048: try modp(.belenios2048)
    }
}

/// The groups the generic proof suites run over: all of them (with 256-bit exponents the Schnorr
/// groups are fast enough in debug builds).
public let proofTestGroups: [GroupName] = GroupName.allCases

/// The Schnorr groups (finite-field, 256-bit order).
public let schnorrTestGroups: [GroupName] = [.belenios2048, .eg4096]

/// Deterministic context and binding bytes for proof tests.
public enum ProofFixtures {
    public static let context: [UInt8] = Array("term=2026;contest=mayor;version=3;option=2".utf8)
    public static let binding: [UInt8] = Array("credential=abcd;window=2026-11".utf8)
}
