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
    case .modp2048: try modp(.rfc3526_2048)
    case .modp3072: try modp(.rfc3526_3072)
    }
}

/// The groups the generic proof suites run over: ristretto255 and modp2048 (modp3072 is slow in
/// debug builds and gets only a few dedicated tests).
public let proofTestGroups: [GroupName] = [.ristretto255, .modp2048]

/// Deterministic context and binding bytes for proof tests.
public enum ProofFixtures {
    public static let context: [UInt8] = Array("term=2026;contest=mayor;version=3;option=2".utf8)
    public static let binding: [UInt8] = Array("credential=abcd;window=2026-11".utf8)
}
