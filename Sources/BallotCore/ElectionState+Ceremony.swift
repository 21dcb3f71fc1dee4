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
        let payload = try TrusteeCommitments.decode(entry.payload)
        try requireTrustee(entry, index: payload.trustee)
        guard sharesPosted.isEmpty else {
            throw ElectionError(.ceremony, "Commitments are accepted only at the start of the key ceremony.")
        }
        guard commitments[payload.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(payload.trustee) already published its commitments.")
        }
        let threshold = setup.trustees.t
        guard payload.commitments.count == threshold, payload.proofs.count == threshold else {
            throw ElectionError(.ceremony, "A trustee publishes exactly t = \(threshold) commitments, each with its proof.")
        }
        guard let box = try? Hex.decode(payload.boxKey), box.count == 32 else {
            throw ElectionError(.ceremony, "box_key must be a 32-byte X25519 public key in hex.")
        }
        let context = Self.trusteeContext(record: record, term: setup.term)
        var elements: [G.Element] = []
        for (coefficient, (encoded, proof)) in zip(payload.commitments, payload.proofs).enumerated() {
            guard let commitment = try? group.decodeElement(hex: encoded), commitment != group.identity else {
                throw ElectionError(.badProof, "Commitment \(coefficient) of trustee \(payload.trustee) is not a valid group element other than the identity.")
            }
            let binding = Bytes.u32(payload.trustee) + Bytes.u32(coefficient)
            guard !verifyProofs || ProofAdapter.verifySchnorr(group, x: commitment, proof: proof, context: context, binding: binding) else {
                throw ElectionError(.badProof, "The proof of knowledge for commitment \(coefficient) of trustee \(payload.trustee) does not verify.")
            }
            elements.append(commitment)
        }
        commitments[payload.trustee] = elements
        boxKeys[payload.trustee] = box
        return .ceremony
    }

    mutating func applyShares(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try TrusteeShares.decode(entry.payload)
        try requireTrustee(entry, index: payload.trustee)
        let trusteeCount = setup.trustees.n
        guard commitments.count == trusteeCount else {
            throw ElectionError(.ceremony, "Shares are sent only after every trustee has published commitments.")
        }
        guard !sharesPosted.contains(payload.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(payload.trustee) already sent its shares.")
        }
        let expected = (1...trusteeCount).filter { $0 != payload.trustee }
        guard payload.shares.map(\.to) == expected else {
            throw ElectionError(.ceremony, "Shares must go to every other trustee, in increasing order.")
        }
        guard payload.shares.allSatisfy({ Data(base64Encoded: $0.sealed) != nil }) else {
            throw ElectionError(.malformed, "A sealed share is not base64.")
        }
        sharesPosted.insert(payload.trustee)
        sharePayloads[payload.trustee] = payload
        return .ceremony
    }

    mutating func applyComplaint(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try TrusteeComplaint.decode(entry.payload)
        try requireTrustee(entry, index: payload.trustee)
        guard payload.against != payload.trustee, (1...setup.trustees.n).contains(payload.against) else {
            throw ElectionError(.ceremony, "A complaint names another trustee of this term.")
        }
        complaints.append((payload.trustee, payload.against))
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
    public func expectedVerificationKey(_ trustee: Int) -> G.Element? {
        guard let all = commitmentsInTrusteeOrder else { return nil }
        var product = group.identity
        for trusteeCommitments in all {
            var power = group.scalar(1)
            for commitment in trusteeCommitments {
                product = group.op(product, group.expPublic(commitment, power))
                power = group.scalarMul(power, group.scalar(UInt64(trustee)))
            }
        }
        return product
    }

    mutating func applyReady(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try TrusteeReady.decode(entry.payload)
        try requireTrustee(entry, index: payload.trustee)
        guard sharesPosted.count == setup.trustees.n else {
            throw ElectionError(.ceremony, "A trustee confirms only after every trustee has sent its shares.")
        }
        guard verificationKeys[payload.trustee] == nil else {
            throw ElectionError(.ceremony, "Trustee \(payload.trustee) already confirmed.")
        }
        guard let key = try? group.decodeElement(hex: payload.verificationKey), key != group.identity,
              key == expectedVerificationKey(payload.trustee) else {
            throw ElectionError(.ceremony, "Trustee \(payload.trustee)'s verification key does not match the published commitments.")
        }
        verificationKeys[payload.trustee] = key
        return .ceremony
    }

    /// `pk = Π_i C_{i,0}`.
    public var expectedElectionKey: G.Element? {
        // Each trustee published exactly t ≥ 1 commitments (`applyCommitments`), so `first` is C_{i,0}.
        guard let firsts = commitmentsInTrusteeOrder?.compactMap(\.first), firsts.count == setup?.trustees.n else { return nil }
        return group.product(firsts)
    }

    mutating func applyElectionKey(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try ElectionKeyPayload.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        guard complaints.isEmpty else {
            throw ElectionError(.ceremony, "A trustee complained during the ceremony; the key cannot be published. Start a new ceremony in a new term.")
        }
        guard verificationKeys.count == setup.trustees.n else {
            throw ElectionError(.ceremony, "Every trustee must confirm its shares before the election key is published.")
        }
        guard let key = try? group.decodeElement(hex: payload.publicKey), key != group.identity, key == expectedElectionKey else {
            throw ElectionError(.ceremony, "The election key is not the product of the trustees' first commitments.")
        }
        electionKey = key
        return .electionKey
    }
}
