/// The trustees' key ceremony (§4.4): commitments, shares, complaints, readiness, and the election key.
extension ElectionCore {
    var trusteeContext: [UInt8] { Bytes.lp(Array("perennial-trustee-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8)) }

    func trusteeCommitments(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["trustee", "box_key", "commitments", "proofs"])
            let trustee = try fields.count("trustee")
            guard commitments[trustee] == nil else { throw .malformed("trustee \(trustee) already published commitments") }
            guard !sawShares else { throw .malformed("commitments after a trustee.shares entry") }
            _ = try fields.hex("box_key", length: 32)
            let commitmentValues = try fields.array("commitments")
            let proofValues = try fields.array("proofs")
            guard commitmentValues.count == setup.t, proofValues.count == setup.t else {
                throw .malformed("trustee \(trustee) must publish t = \(setup.t) commitments and proofs")
            }
            var elements: [G.Element] = []
            var proofs: [CompactProof<G>] = []
            for coefficient in 0..<setup.t {
                elements.append(try nonIdentityElement(commitmentValues[coefficient], "commitment \(coefficient)"))
                proofs.append(try CompactProof(json: proofValues[coefficient], group: group))
            }
            commitments[trustee] = elements
            let group = self.group
            let committed = elements, committedProofs = proofs
            let context = trusteeContext
            return [ProofJob(.trusteeCommitments, loc) {
                for coefficient in 0..<committed.count {
                    let binding = ProofBinding(context: context, binding: Bytes.u32be(UInt32(trustee)) + Bytes.u32be(UInt32(coefficient)))
                    if let failure = ProofVerifier.schnorr(group, X: committed[coefficient], proof: committedProofs[coefficient], binding: binding) {
                        return "trustee \(trustee) coefficient \(coefficient): \(failure)"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.trusteeCommitments, loc, failure: error.message)
            return []
        }
    }

    func trusteeShares(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        let loc = Location.entry(entry.index)
        sawShares = true
        do throws(AuditError) {
            try fields.finish(["trustee", "shares"])
            let trustee = try fields.count("trustee")
            guard commitments.count == setup.n else { throw .malformed("shares before every trustee published commitments") }
            guard !sharesFrom.contains(trustee) else { throw .malformed("trustee \(trustee) already distributed shares") }
            let items = try fields.array("shares")
            let expected = (1...setup.n).filter { $0 != trustee }
            guard items.count == expected.count else { throw .malformed("trustee \(trustee) must send one share to each other trustee") }
            for (item, recipient) in zip(items, expected) {
                let share = try Fields.object(item, "share")
                try share.finish(["to", "sealed"], withTerm: false)
                guard try share.count("to") == recipient else { throw .malformed("shares must go to trustees \(expected) in increasing order") }
                let sealed: [UInt8]
                do { sealed = try Base64.decode(try share.string("sealed")) } catch { throw .malformed("a sealed share is not base64") }
                guard sealed.count == group.scalarLength + 48 else {
                    throw .malformed("a sealed share must be a sealed box of one scalar (\(group.scalarLength + 48) bytes)")
                }
            }
            sharesFrom.insert(trustee)
            report.record(.trusteeShares, loc, failure: nil)
        } catch {
            report.record(.trusteeShares, loc, failure: error.message)
        }
    }

    func trusteeComplaint(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["trustee", "against", "reason"])
            let trustee = try fields.count("trustee")
            let against = try fields.count("against")
            _ = try fields.string("reason")
            guard against >= 1, against <= setup.n, against != trustee else { throw .malformed("a complaint must name another trustee") }
            complaints += 1
            report.record(.trusteeComplaints, loc, failure: publicKey == nil ? nil
                : "a complaint after the election key was published")
        } catch {
            report.record(.trusteeComplaints, loc, failure: error.message)
        }
    }

    func trusteeReady(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["trustee", "verification_key"])
            let trustee = try fields.count("trustee")
            guard verificationKeys[trustee] == nil else { throw .malformed("trustee \(trustee) is already ready") }
            guard sharesFrom.count == setup.n else { throw .malformed("ready before every trustee distributed shares") }
            let verificationKey = try nonIdentityElement(try fields.value("verification_key"), "verification_key")
            verificationKeys[trustee] = verificationKey
            let group = self.group
            let combined = combinedCommitments()
            return [ProofJob(.trusteeReady, loc) {
                // P_j = Π_i Π_k C_{i,k}^(j^k) = Π_k A_k^(j^k) with A_k = Π_i C_{i,k}: t exponentiations.
                let expected = Threshold.commitmentEvaluation(group, commitments: combined, at: UInt64(trustee))
                return expected == verificationKey ? nil : "trustee \(trustee)'s verification key is not Π_i Π_k C_{i,k}^(j^k)"
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
        for trustee in 1...setup.n {
            for (coefficient, commitment) in (commitments[trustee] ?? []).enumerated() { combined[coefficient] = group.op(combined[coefficient], commitment) }
        }
        combinedCommitmentsCache = combined
        return combined
    }

    func electionKey(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        let loc = Location.entry(entry.index)
        report.record(.trusteeComplaints, loc, failure: complaints == 0 ? nil
            : "the election key follows \(complaints) trustee complaint(s): the ceremony failed")
        do throws(AuditError) {
            try fields.finish(["public_key"])
            guard publicKey == nil else { throw .malformed("a second election.key") }
            guard verificationKeys.count == setup.n else { throw .malformed("the election key precedes some trustee.ready") }
            let pk = try nonIdentityElement(try fields.value("public_key"), "public_key")
            var expected = group.identity
            for trustee in 1...setup.n { if let firstCommitment = commitments[trustee]?.first { expected = group.op(expected, firstCommitment) } }
            guard pk == expected else { throw .malformed("public_key is not Π_i C_{i,0}") }
            publicKey = pk
            report.record(.electionKey, loc, failure: nil)
        } catch {
            report.record(.electionKey, loc, failure: error.message)
        }
    }
}
