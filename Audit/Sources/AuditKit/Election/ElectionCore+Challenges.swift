/// Challenged ballots (`ballot.spoil`, BAL-8): opened in public, never counted.
extension ElectionCore {
    func ballotSpoil(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["window", "ballot", "openings"])
            let window = try fields.count("window")
            // Signed by an active kiosk device, never by a credential: the opened choices name nobody.
            guard isActiveDevice(entry.author) else {
                throw .malformed("a challenged ballot must be signed by an enrolled kiosk device that is not revoked")
            }
            guard someWindowContains(window, time: entry.time) else { throw .malformed("no birthday has a window \(window) open at log time \(entry.time)") }
            guard seenPayloads.insert(Digest128(entry.payloadDigest)).inserted else { throw .malformed("the same spoil payload was already recorded") }
            guard let pk = publicKey else { throw .malformed("a spoiled ballot before the election key") }
            guard closeItems == nil else { throw .malformed("a spoiled ballot after term.close") }
            let inner: [UInt8]
            do { inner = try Base64.decode(try fields.string("ballot")) } catch { throw .malformed("\"ballot\" is not base64") }
            let payload = try Payload(bytes: inner, origin: record)
            guard payload.kind == "ballot.cast" else { throw .malformed("the embedded ballot is not a ballot.cast payload") }
            let ballotFields = try Fields(payload.json, kind: "embedded ballot.cast")
            try ballotFields.finish(["window", "contests"])
            let members = payload.json.objectMembers ?? []
            guard try ballotFields.string("term") == setup.term, members.count >= 3,
                  members[2].0 == "term" else { throw .malformed("the embedded ballot names another term") }
            guard try ballotFields.count("window") == window else { throw .malformed("the embedded ballot is for another window") }
            guard seenPayloads.insert(Digest128(Hash.sha256(inner))).inserted else {
                throw .malformed("the embedded ballot was already recorded")
            }
            let (structure, decodedOrNil) = try decodeBallotContests(try ballotFields.array("contests"), window: window)
            guard let decoded = decodedOrNil else {
                throw .malformed("the embedded ballot: \(structure ?? "its contests are not those in force")")
            }
            let openings = try fields.array("openings")
            guard openings.count == decoded.count else { throw .malformed("one opening per contest is needed") }
            var revealed: [(Ciphertext<G>, UInt64, G.Scalar, String)] = []
            for (opening, decodedContest) in zip(openings, decoded) {
                let openingFields = try Fields.object(opening, "opening")
                try openingFields.finish(["contest", "selections"], withTerm: false)
                guard try openingFields.string("contest") == decodedContest.version.contest else { throw .malformed("openings must follow the ballot's contests") }
                let selectionValues = try openingFields.array("selections")
                guard selectionValues.count == decodedContest.selections.count else { throw .malformed("one opening per selection is needed") }
                for (i, (selection, ciphertext)) in zip(selectionValues, decodedContest.selections).enumerated() {
                    let selectionFields = try Fields.object(selection, "opening selection")
                    try selectionFields.finish(["m", "r"], withTerm: false)
                    let plaintext = try selectionFields.count("m")
                    guard plaintext == 0 || plaintext == 1 else { throw .malformed("an opened selection must be 0 or 1") }
                    revealed.append((ciphertext, UInt64(plaintext), try scalar(try selectionFields.value("r"), "r"), "contest \"\(decodedContest.version.contest)\" option \(i)"))
                }
            }
            if let reused = freshRandomness(decoded, challenged: true) {
                throw .malformed("the challenged ballot \(reused): opening it would reveal that ballot's choices")
            }
            spoiledBallots += 1
            let group = self.group
            let revealedChecks = revealed
            let contexts = ballotContexts(decoded)
            let binding = entry.author + u32(window)
            return [ProofJob(.ballotSpoiled, loc) {
                // The challenged ballot is checked as a cast one would be (BAL-4), then opened.
                if let failure = Self.verifyBallotProofs(group, pk: pk, decoded: decoded, contexts: contexts, binding: binding) {
                    return "the challenged ballot's proofs: \(failure)"
                }
                for (ciphertext, plaintext, randomness, what) in revealedChecks {
                    guard ciphertext.alpha == group.expG(randomness), ciphertext.beta == group.op(group.exp(pk, randomness), group.expG(group.scalar(plaintext))) else {
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
