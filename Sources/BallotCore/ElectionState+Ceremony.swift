import CivicCrypto
import CivicLog
import Foundation

/// The trustees' key ceremony (SPEC §4.4): commitments, sealed shares, complaints, confirmations, and
/// the election key that opens voting.
extension ElectionState {
    /// Context of the ceremony's proofs (SPEC §4.4).
    public static func trusteeContext(record: String, term: String) -> [UInt8] {
        Bytes.lp("perennial-trustee-v1") + Bytes.lp(record) + Bytes.lp(term)
    }

    mutating func applyCommitments(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try TrusteeCommitments.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard sharesPosted.isEmpty else {
            throw ElectionError(.ceremony, "Commitments are accepted only at the start of the key ceremony.")
        }
        guard commitments[p.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already published its commitments.")
        }
        let t = setup.trustees.t
        guard p.commitments.count == t, p.proofs.count == t else {
            throw ElectionError(.ceremony, "A trustee publishes exactly t = \(t) commitments, each with its proof.")
        }
        guard let box = try? Hex.decode(p.boxKey), box.count == 32 else {
            throw ElectionError(.ceremony, "box_key must be a 32-byte X25519 public key in hex.")
        }
        let context = Self.trusteeContext(record: record, term: setup.term)
        var elements: [G.Element] = []
        for (k, (hex, proof)) in zip(p.commitments, p.proofs).enumerated() {
            guard let c = try? group.decodeElement(hex: hex), c != group.identity else {
                throw ElectionError(.badProof, "Commitment \(k) of trustee \(p.trustee) is not a valid group element other than the identity.")
            }
            let binding = Bytes.u32(p.trustee) + Bytes.u32(k)
            guard !verifyProofs || ProofAdapter.verifySchnorr(group, x: c, proof: proof, context: context, binding: binding) else {
                throw ElectionError(.badProof, "The proof of knowledge for commitment \(k) of trustee \(p.trustee) does not verify.")
            }
            elements.append(c)
        }
        commitments[p.trustee] = elements
        boxKeys[p.trustee] = box
        return .ceremony
    }

    mutating func applyShares(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try TrusteeShares.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        let n = setup.trustees.n
        guard commitments.count == n else {
            throw ElectionError(.ceremony, "Shares are sent only after every trustee has published commitments.")
        }
        guard !sharesPosted.contains(p.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already sent its shares.")
        }
        let expected = (1...n).filter { $0 != p.trustee }
        guard p.shares.map(\.to) == expected else {
            throw ElectionError(.ceremony, "Shares must go to every other trustee, in increasing order.")
        }
        guard p.shares.allSatisfy({ Data(base64Encoded: $0.sealed) != nil }) else {
            throw ElectionError(.malformed, "A sealed share is not base64.")
        }
        sharesPosted.insert(p.trustee)
        sharePayloads[p.trustee] = p
        return .ceremony
    }

    mutating func applyComplaint(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try TrusteeComplaint.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard p.against != p.trustee, (1...setup.trustees.n).contains(p.against) else {
            throw ElectionError(.ceremony, "A complaint names another trustee of this term.")
        }
        complaints.append((p.trustee, p.against))
        return .ceremony
    }

    /// Every trustee's commitments in trustee order (1…n), once all n trustees have published them;
    /// nil before (or before `term.setup`).
    var commitmentsInTrusteeOrder: [[G.Element]]? {
        guard let setup else { return nil }
        let ordered = (1...setup.trustees.n).compactMap { commitments[$0] }
        return ordered.count == setup.trustees.n ? ordered : nil
    }

    /// `P_j = Π_i Π_k C_{i,k}^(j^k)` (SPEC §3.6).
    public func expectedVerificationKey(_ j: Int) -> G.Element? {
        guard let all = commitmentsInTrusteeOrder else { return nil }
        var acc = group.identity
        for trusteeCommitments in all {
            var power = group.scalar(1)
            for c in trusteeCommitments {
                acc = group.op(acc, group.expPublic(c, power))
                power = group.scalarMul(power, group.scalar(UInt64(j)))
            }
        }
        return acc
    }

    mutating func applyReady(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try TrusteeReady.decode(entry.payload)
        try requireTrustee(entry, index: p.trustee)
        guard sharesPosted.count == setup.trustees.n else {
            throw ElectionError(.ceremony, "A trustee confirms only after every trustee has sent its shares.")
        }
        guard verificationKeys[p.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee) already confirmed.")
        }
        guard let key = try? group.decodeElement(hex: p.verificationKey), key != group.identity,
              key == expectedVerificationKey(p.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(p.trustee)'s verification key does not match the published commitments.")
        }
        verificationKeys[p.trustee] = key
        return .ceremony
    }

    /// `pk = Π_i C_{i,0}`.
    public var expectedElectionKey: G.Element? {
        // Each trustee published exactly t ≥ 1 commitments (`applyCommitments`), so `first` is C_{i,0}.
        guard let firsts = commitmentsInTrusteeOrder?.compactMap(\.first), firsts.count == setup?.trustees.n else { return nil }
        return group.product(firsts)
    }

    mutating func applyElectionKey(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let p = try ElectionKeyPayload.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        guard complaints.isEmpty else {
            throw ElectionError(.ceremony, "A trustee complained during the ceremony; the key cannot be published. Start a new ceremony in a new term.")
        }
        guard verificationKeys.count == setup.trustees.n else {
            throw ElectionError(.ceremony, "Every trustee must confirm its shares before the election key is published.")
        }
        guard let key = try? group.decodeElement(hex: p.publicKey), key != group.identity, key == expectedElectionKey else {
            throw ElectionError(.ceremony, "The election key is not the product of the trustees' first commitments.")
        }
        electionKey = key
        return .electionKey
    }
}
