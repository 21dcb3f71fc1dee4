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

}

/// BAL-5's fresh randomness: a ciphertext `(a, b) = (g^r, pk^r·g^m)` whose `a` equals the `a` of
/// another shares its `r`, so `b/b'` shows whether the two choices differ, and the opening of either
/// (a challenged ballot's `r` is published) decrypts both. So every `a` of every ballot of the log
/// (cast or challenged) is new: remembered in the seen rows under a digest of its own domain.
extension ElectionState {
    static var randomnessDomain: [UInt8] { Array("perennial/ballot-a/v1\n".utf8) }

    /// The digests of `ciphertexts`' `a`s, after checking that none was recorded before and that no
    /// two of them are equal.
    func freshRandomness(_ ciphertexts: [CipherPair<G>], challenged: Bool) throws -> [[UInt8]] {
        let digests = ciphertexts.map { SHA256.hash(Self.randomnessDomain + group.encode($0.a)) }
        guard Set(digests).count == digests.count, !digests.contains(where: hasSeen) else {
            throw ElectionError(.replay, challenged
                ? "The challenged ballot reuses the randomness of a ciphertext already in the log: opening it would reveal that ballot's choices. Challenge a freshly encrypted ballot."
                : "This ballot reuses the randomness of a ciphertext already in the log (of a challenged or earlier ballot, or of itself): its choices could be read. Encrypt the ballot afresh.")
        }
        return digests
    }
}
