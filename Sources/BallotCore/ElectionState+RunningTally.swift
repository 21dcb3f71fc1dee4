import CivicCrypto

/// The running encrypted tally: homomorphic sums per ``TallyKey``.
extension ElectionState {
    mutating func add(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.op(old.a, ct.a), b: group.op(old.b, ct.b))
    }

    mutating func subtract(_ key: TallyKey, _ ct: CipherPair<G>) {
        let old = tally[key] ?? CipherPair(a: group.identity, b: group.identity)
        tally[key] = CipherPair(a: group.divide(old.a, ct.a), b: group.divide(old.b, ct.b))
    }

    /// The digest under which BAL-5 remembers a challenged ciphertext: `SHA-256(a || b)`.
    func ciphertextDigest(_ ct: CipherPair<G>) -> [UInt8] {
        SHA256.hash(group.encode(ct.a) + group.encode(ct.b))
    }
}
