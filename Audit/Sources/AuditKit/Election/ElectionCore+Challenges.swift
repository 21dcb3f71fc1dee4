/// Challenged ballots (`ballot.spoil`, BAL-8): opened in public, never counted.
extension ElectionCore {
    func ballotSpoil(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["window", "ballot", "openings"])
            let k = try f.count("window")
            // Signed by an active kiosk device, never by a credential: the opened choices name nobody.
            guard isActiveDevice(e.author) else {
                throw .malformed("a challenged ballot must be signed by an enrolled kiosk device that is not revoked")
            }
            guard someWindowContains(k, time: e.time) else { throw .malformed("no birthday has a window \(k) open at log time \(e.time)") }
            guard seenPayloads.insert(Digest128(Hash.sha256(e.payloadBytes))).inserted else { throw .malformed("the same spoil payload was already recorded") }
            guard let pk = publicKey else { throw .malformed("a spoiled ballot before the election key") }
            guard closeItems == nil else { throw .malformed("a spoiled ballot after term.close") }
            let inner: [UInt8]
            do { inner = try Base64.decode(try f.string("ballot")) } catch { throw .malformed("\"ballot\" is not base64") }
            let payload = try Payload(bytes: inner, origin: record)
            guard payload.kind == "ballot.cast" else { throw .malformed("the embedded ballot is not a ballot.cast payload") }
            let bf = try Fields(payload.json, kind: "embedded ballot.cast")
            try bf.finish(["window", "contests"])
            guard try bf.string("term") == setup.term, (payload.json.objectMembers ?? []).count >= 3,
                  payload.json.objectMembers![2].0 == "term" else { throw .malformed("the embedded ballot names another term") }
            guard try bf.count("window") == k else { throw .malformed("the embedded ballot is for another window") }
            guard seenPayloads.insert(Digest128(Hash.sha256(inner))).inserted else {
                throw .malformed("the embedded ballot was already recorded")
            }
            let (structure, decodedOrNil) = try decodeBallotContests(try bf.array("contests"), window: k)
            if let structure { throw .malformed("the embedded ballot: \(structure)") }
            let decoded = decodedOrNil!
            let openings = try f.array("openings")
            guard openings.count == decoded.count else { throw .malformed("one opening per contest is needed") }
            var checks: [(Ciphertext<G>, UInt64, G.Scalar, String)] = []
            for (o, dc) in zip(openings, decoded) {
                let of = try Fields.object(o, "opening")
                try of.finish(["contest", "selections"], withTerm: false)
                guard try of.string("contest") == dc.version.contest else { throw .malformed("openings must follow the ballot's contests") }
                let sels = try of.array("selections")
                guard sels.count == dc.selections.count else { throw .malformed("one opening per selection is needed") }
                for (i, (s, ct)) in zip(sels, dc.selections).enumerated() {
                    let sf = try Fields.object(s, "opening selection")
                    try sf.finish(["m", "r"], withTerm: false)
                    let m = try sf.count("m")
                    guard m == 0 || m == 1 else { throw .malformed("an opened selection must be 0 or 1") }
                    checks.append((ct, UInt64(m), try scalar(try sf.value("r"), "r"), "contest \"\(dc.version.contest)\" option \(i)"))
                }
            }
            spoiledBallots += 1
            for dc in decoded { for ct in dc.selections { challengedCiphertexts.insert(ciphertextDigest(ct)) } }
            let g = group
            let cChecks = checks
            let contexts = ballotContexts(decoded)
            let binding = e.author + u32(k)
            return [ProofJob(.ballotSpoiled, loc) {
                // The challenged ballot is checked as a cast one would be (BAL-4), then opened.
                if let failure = Self.verifyBallotProofs(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding) {
                    return "the challenged ballot's proofs: \(failure)"
                }
                for (ct, m, r, what) in cChecks {
                    guard ct.alpha == g.expG(r), ct.beta == g.op(g.exp(pk, r), g.expG(g.scalar(m))) else {
                        return "\(what): the opening does not re-encrypt to the ballot's ciphertext"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.ballotSpoiled, loc, failure: error.message)
            return []
        }
    }
}
