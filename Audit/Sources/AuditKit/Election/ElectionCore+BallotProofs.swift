/// A ballot's proofs (BAL-4), run on the workers: in one combination where the group carries
/// commitments (SPEC.md §3.5.1), else one by one.
extension ElectionCore {
    /// BAL-4: every disjunctive proof and each contest's range proof; nil when all verify.
    /// With carried commitments (SPEC.md §3.5.1) all of a ballot's proofs are first checked together by
    /// ``BatchVerifier``; only if that fails are they checked one by one, to name the failing proof.
    static func verifyBallotProofs(_ g: G, pk: G.Element, decoded: [DecodedContest],
                                   contexts: [(selections: [[UInt8]], range: [UInt8])], binding: [UInt8]) -> String? {
        if g.carriesCommitments,
           BatchVerifier.allVerify(g, carriedItems(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding)) == true {
            return nil
        }
        return verifyBallotProofsOneByOne(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding)
    }

    /// A ballot's proofs with their statements, in order (selections, then the contest's range proof).
    static func carriedItems(_ g: G, pk: G.Element, decoded: [DecodedContest], contexts: [(selections: [[UInt8]], range: [UInt8])],
                             binding: [UInt8]) -> [CarriedRange<G>] {
        var items: [CarriedRange<G>] = []
        for (dc, ctx) in zip(decoded, contexts) {
            let sum = Ciphertext<G>(alpha: g.sum(dc.selections.map(\.alpha)), beta: g.sum(dc.selections.map(\.beta)))
            for (i, ct) in dc.selections.enumerated() {
                items.append(CarriedRange(pk: pk, ciphertext: ct, lo: 0, hi: 1, proof: dc.selectionProofs[i],
                                          binding: ProofBinding(context: ctx.selections[i], binding: binding), protocolName: "disjunctive"))
            }
            items.append(CarriedRange(pk: pk, ciphertext: sum, lo: UInt32(dc.version.min), hi: UInt32(dc.version.max), proof: dc.range,
                                      binding: ProofBinding(context: ctx.range, binding: binding), protocolName: "range"))
        }
        return items
    }

    /// BAL-4 one proof at a time (the Schnorr groups, and the fallback that names a failing proof).
    static func verifyBallotProofsOneByOne(_ g: G, pk: G.Element, decoded: [DecodedContest],
                                           contexts: [(selections: [[UInt8]], range: [UInt8])], binding: [UInt8]) -> String? {
        for (dc, ctx) in zip(decoded, contexts) {
            var sum = Ciphertext<G>.zero(g)
            for (i, ct) in dc.selections.enumerated() {
                if let failure = ProofVerifier.disjunctive(g, pk: pk, ciphertext: ct, proof: dc.selectionProofs[i],
                                                     binding: ProofBinding(context: ctx.selections[i], binding: binding)) {
                    return "contest \"\(dc.version.contest)\" option \(i): \(failure)"
                }
                sum = sum.adding(ct, in: g)
            }
            if let failure = ProofVerifier.range(g, pk: pk, ciphertext: sum, lo: UInt32(dc.version.min), hi: UInt32(dc.version.max),
                                           proof: dc.range, binding: ProofBinding(context: ctx.range, binding: binding)) {
                return "contest \"\(dc.version.contest)\": \(failure)"
            }
        }
        return nil
    }
}
