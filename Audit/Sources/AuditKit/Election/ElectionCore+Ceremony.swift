/// The trustees' key ceremony (§4.4): commitments, shares, complaints, readiness, and the election key.
extension ElectionCore {
    var trusteeContext: [UInt8] { Bytes.lp(Array("perennial-trustee-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8)) }

    func trusteeCommitments(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["trustee", "box_key", "commitments", "proofs"])
            let i = try f.count("trustee")
            guard commitments[i] == nil else { throw .malformed("trustee \(i) already published commitments") }
            guard !sawShares else { throw .malformed("commitments after a trustee.shares entry") }
            _ = try f.hex("box_key", length: 32)
            let cs = try f.array("commitments")
            let ps = try f.array("proofs")
            guard cs.count == setup.t, ps.count == setup.t else {
                throw .malformed("trustee \(i) must publish t = \(setup.t) commitments and proofs")
            }
            var elements: [G.Element] = []
            var proofs: [CompactProof<G>] = []
            for k in 0..<setup.t {
                elements.append(try nonIdentityElement(cs[k], "commitment \(k)"))
                proofs.append(try CompactProof(json: ps[k], group: group))
            }
            commitments[i] = elements
            let g = group
            let cElements = elements, cProofs = proofs
            let ctx = trusteeContext
            return [ProofJob(.trusteeCommitments, loc) {
                for k in 0..<cElements.count {
                    let b = ProofBinding(context: ctx, binding: Bytes.u32be(UInt32(i)) + Bytes.u32be(UInt32(k)))
                    if let f = ProofVerifier.schnorr(g, X: cElements[k], proof: cProofs[k], binding: b) {
                        return "trustee \(i) coefficient \(k): \(f)"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.trusteeCommitments, loc, failure: error.message)
            return []
        }
    }

    func trusteeShares(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let loc = Location.entry(e.index)
        sawShares = true
        do throws(AuditError) {
            try f.finish(["trustee", "shares"])
            let i = try f.count("trustee")
            guard commitments.count == setup.n else { throw .malformed("shares before every trustee published commitments") }
            guard !sharesFrom.contains(i) else { throw .malformed("trustee \(i) already distributed shares") }
            let items = try f.array("shares")
            let expected = (1...setup.n).filter { $0 != i }
            guard items.count == expected.count else { throw .malformed("trustee \(i) must send one share to each other trustee") }
            for (item, j) in zip(items, expected) {
                let s = try Fields.object(item, "share")
                try s.finish(["to", "sealed"], withTerm: false)
                guard try s.count("to") == j else { throw .malformed("shares must go to trustees \(expected) in increasing order") }
                let sealed: [UInt8]
                do { sealed = try Base64.decode(try s.string("sealed")) } catch { throw .malformed("a sealed share is not base64") }
                guard sealed.count == group.scalarLength + 48 else {
                    throw .malformed("a sealed share must be a sealed box of one scalar (\(group.scalarLength + 48) bytes)")
                }
            }
            sharesFrom.insert(i)
            report.record(.trusteeShares, loc, failure: nil)
        } catch {
            report.record(.trusteeShares, loc, failure: error.message)
        }
    }

    func trusteeComplaint(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["trustee", "against", "reason"])
            let j = try f.count("trustee")
            let i = try f.count("against")
            _ = try f.string("reason")
            guard i >= 1, i <= setup.n, i != j else { throw .malformed("a complaint must name another trustee") }
            complaints += 1
            report.record(.trusteeComplaints, loc, failure: publicKey == nil ? nil
                : "a complaint after the election key was published")
        } catch {
            report.record(.trusteeComplaints, loc, failure: error.message)
        }
    }

    func trusteeReady(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["trustee", "verification_key"])
            let j = try f.count("trustee")
            guard verificationKeys[j] == nil else { throw .malformed("trustee \(j) is already ready") }
            guard sharesFrom.count == setup.n else { throw .malformed("ready before every trustee distributed shares") }
            let P = try nonIdentityElement(try f.value("verification_key"), "verification_key")
            verificationKeys[j] = P
            let g = group
            let combined = combinedCommitments()
            return [ProofJob(.trusteeReady, loc) {
                // P_j = Π_i Π_k C_{i,k}^(j^k) = Π_k A_k^(j^k) with A_k = Π_i C_{i,k}: t exponentiations.
                let expected = Threshold.commitmentEvaluation(g, commitments: combined, at: UInt64(j))
                return expected == P ? nil : "trustee \(j)'s verification key is not Π_i Π_k C_{i,k}^(j^k)"
            }]
        } catch {
            report.record(.trusteeReady, loc, failure: error.message)
            return []
        }
    }

    /// `A_k = Π_i C_{i,k}` for `k = 0 … t−1`, over every trustee's commitments (all are published
    /// before any `trustee.ready`), computed once.
    func combinedCommitments() -> [G.Element] {
        if let cached = combinedCommitmentsCache { return cached }
        var combined = [G.Element](repeating: group.identity, count: setup.t)
        for i in 1...setup.n {
            for (k, c) in (commitments[i] ?? []).enumerated() { combined[k] = group.op(combined[k], c) }
        }
        combinedCommitmentsCache = combined
        return combined
    }

    func electionKey(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let loc = Location.entry(e.index)
        report.record(.trusteeComplaints, loc, failure: complaints == 0 ? nil
            : "the election key follows \(complaints) trustee complaint(s): the ceremony failed")
        do throws(AuditError) {
            try f.finish(["public_key"])
            guard publicKey == nil else { throw .malformed("a second election.key") }
            guard verificationKeys.count == setup.n else { throw .malformed("the election key precedes some trustee.ready") }
            let pk = try nonIdentityElement(try f.value("public_key"), "public_key")
            var expected = group.identity
            for i in 1...setup.n { if let c = commitments[i]?.first { expected = group.op(expected, c) } }
            guard pk == expected else { throw .malformed("public_key is not Π_i C_{i,0}") }
            publicKey = pk
            report.record(.electionKey, loc, failure: nil)
        } catch {
            report.record(.electionKey, loc, failure: error.message)
        }
    }
}
