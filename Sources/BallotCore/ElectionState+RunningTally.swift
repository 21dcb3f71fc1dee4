import CivicCrypto

/// The running encrypted tally: homomorphic sums per ``TallyKey``, kept unencoded (``PrimeOrderGroup/accumulate(_:_:)``)
/// and encoded only when read (term close, snapshot).
extension ElectionState {
    mutating func add(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.accumulate(old.a, ct.a), b: group.accumulate(old.b, ct.b))
    }

    mutating func subtract(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.deaccumulate(old.a, ct.a), b: group.deaccumulate(old.b, ct.b))
    }

    /// The digest under which BAL-5 remembers a challenged ciphertext: `SHA-256(a || b)`.
    func ciphertextDigest(_ ct: CipherPair<G>) -> [UInt8] {
        SHA256.hash(group.encode(ct.a) + group.encode(ct.b))
    }
}
