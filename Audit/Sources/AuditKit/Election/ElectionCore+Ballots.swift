/// Cast ballots (§4.7): credential and window, the contests in force, supersession (BAL-1 … BAL-7).
extension ElectionCore {
    func ballotContext(_ contest: String, _ version: Int, _ position: UInt32) -> [UInt8] {
        Bytes.lp(Array("perennial-ballot-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8))
            + Bytes.lp(Array(contest.utf8)) + Bytes.u32be(UInt32(version)) + Bytes.u32be(position)
    }

    /// BAL-1 and BAL-2 for a credential at log time `time`: returns the credential and the window's
    /// close, or the reasons.
    func credentialAndWindow(_ author: [UInt8], window k: Int, time: UInt64)
        -> (cred: RollCredential?, close: Int64?, credFailure: String?, windowFailure: String?) {
        guard let c = roll[author] else { return (nil, nil, "the author's credential is not on the roll", "no window: not on the roll") }
        let t = Int64(time)
        var credFailure: String? = nil
        if c.replaced, let until = c.until, t >= calendar.clock.midnight(until) {
            credFailure = "the credential was replaced and stopped on \(until)"
        }
        guard let w = calendar.window(k, birthday: c.birthday, from: c.from, until: c.until) else {
            return (c, nil, credFailure, "the credential has no window \(k) (birthday, term and eligibility)")
        }
        guard w.open <= t, t < w.close else {
            return (c, w.close, credFailure, "log time \(t) is outside window \(k) [\(w.open), \(w.close))")
        }
        return (c, w.close, credFailure, nil)
    }

    /// A ballot.cast payload's contests, decoded and matched against the contests in force.
    struct DecodedContest {
        let version: ContestVersion
        let selections: [Ciphertext<G>]
        let selectionProofs: [RangeProof<G>]
        let range: RangeProof<G>
    }

    func decodeBallotContests(_ items: [JSON], window k: Int) throws(AuditError) -> (structure: String?, decoded: [DecodedContest]?) {
        let inForce = contestsInForce(window: k)
        guard items.count == inForce.count else {
            return ("the ballot has \(items.count) contests; \(inForce.count) are in force for window \(k)", nil)
        }
        var out: [DecodedContest] = []
        var structural: String? = nil
        var parsed: [(ContestVersion, [JSON], JSON)] = []
        for (item, v) in zip(items, inForce) {
            let cf = try Fields.object(item, "ballot contest")
            try cf.finish(["contest", "version", "selections", "range"], withTerm: false)
            let id = try cf.string("contest")
            let version = try cf.count("version")
            let sels = try cf.array("selections")
            if id != v.contest { structural = "contest \"\(id)\" where \"\(v.contest)\" is in force"; break }
            if version != v.version { structural = "contest \"\(id)\" version \(version) where version \(v.version) is in force"; break }
            if sels.count != v.options.count { structural = "contest \"\(id)\" has \(sels.count) selections for \(v.options.count) options"; break }
            parsed.append((v, sels, try cf.value("range")))
        }
        if let structural { return (structural, nil) }
        for (v, sels, range) in parsed {
            var cts: [Ciphertext<G>] = []
            var proofs: [RangeProof<G>] = []
            for s in sels {
                let sf = try Fields.object(s, "selection")
                try sf.finish(group.carriesCommitments ? ["a", "b", "c", "r", "t"] : ["a", "b", "c", "r"], withTerm: false)
                let ct = try Ciphertext(json: s, group: group)
                guard ct.alpha != group.identity, ct.beta != group.identity else {
                    throw .malformed("contest \"\(v.contest)\": a selection's ciphertext holds the group identity, which SPEC.md §3.1 forbids")
                }
                cts.append(ct)
                let p = try RangeProof(json: s, group: group)
                guard p.c.count == 2, p.r.count == 2 else { throw .malformed("a selection proof has two challenges and two responses") }
                if group.carriesCommitments {
                    guard p.t?.count == 4 else { throw .malformed("a \(group.name) selection proof carries four commitments \"t\" (SPEC.md §3.5.1)") }
                }
                proofs.append(p)
            }
            let rf = try Fields.object(range, "range proof")
            try rf.finish(group.carriesCommitments ? ["c", "r", "t"] : ["c", "r"], withTerm: false)
            let rp = try RangeProof(json: range, group: group)
            guard rp.c.count == v.max - v.min + 1, rp.r.count == rp.c.count else {
                throw .malformed("contest \"\(v.contest)\" range proof needs \(v.max - v.min + 1) challenges and responses")
            }
            if group.carriesCommitments {
                guard rp.t?.count == 2 * rp.c.count else {
                    throw .malformed("contest \"\(v.contest)\" range proof carries \(2 * rp.c.count) commitments \"t\" (SPEC.md §3.5.1)")
                }
            }
            out.append(DecodedContest(version: v, selections: cts, selectionProofs: proofs, range: rp))
        }
        return (nil, out)
    }

    func ballotCast(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        let k: Int
        let items: [JSON]
        do throws(AuditError) {
            try f.finish(["window", "contests"])
            k = try f.count("window")
            items = try f.array("contests")
        } catch {
            report.record(.ballotContests, loc, failure: error.message)
            return []
        }
        report.record(.ballotKeyAndClose, loc, failure: publicKey == nil ? "the ballot precedes the election key"
            : (closeItems != nil ? "the ballot follows term.close" : nil))
        let cw = credentialAndWindow(e.author, window: k, time: e.time)
        report.record(.ballotCredential, loc, failure: cw.credFailure ?? (cw.cred == nil ? "the author's credential is not on the roll" : nil))
        report.record(.ballotWindow, loc, failure: cw.windowFailure)
        let replay = !seenPayloads.insert(Digest128(Hash.sha256(e.payloadBytes))).inserted
        report.record(.ballotReplay, loc, failure: replay ? "the same ballot payload was already recorded" : nil)

        let decoded: [DecodedContest]
        do throws(AuditError) {
            let (structure, d) = try decodeBallotContests(items, window: k)
            report.record(.ballotContests, loc, failure: structure)
            guard let d else { return [] }
            decoded = d
        } catch {
            report.record(.ballotContests, loc, failure: nil)
            report.record(.ballotProofs, loc, failure: error.message)
            return []
        }
        guard let pk = publicKey else { return [] }
        // BAL-5: the ciphertexts of a challenged ballot were opened in public; casting any of them
        // again would publish a counted choice.
        let reusesChallenged = !challengedCiphertexts.isEmpty
            && decoded.contains { $0.selections.contains { challengedCiphertexts.contains(ciphertextDigest($0)) } }
        if reusesChallenged {
            report.fail(.ballotReplay, loc, "the ballot reuses a ciphertext of a challenged (spoiled) ballot")
        }

        // Counting (BAL-6): a ballot that passed the order-dependent rules goes to its lineage's slot
        // for the window; its job offers it there only if its proofs verify (the latest valid ballot
        // counts, whatever order the jobs finish in).
        var slotForJob: WindowSlot<G>? = nil
        var selections: [(TallyKey, Ciphertext<G>)] = []
        if let c = cw.cred, cw.credFailure == nil, cw.windowFailure == nil, closeItems == nil, !replay, !reusesChallenged {
            let slot = Slot(lineage: c.lineage, window: k)
            for dc in decoded {
                for (o, ct) in zip(dc.version.options, dc.selections) {
                    selections.append((TallyKey(contest: dc.version.contest, option: o.id, year: nil), ct))
                    if setup.perYearResults { selections.append((TallyKey(contest: dc.version.contest, option: o.id, year: k), ct)) }
                }
            }
            if let existing = openSlots[slot] {
                slotForJob = existing
            } else {
                // Swept by the window's own close, never by the close as clipped by the eligibility in
                // force now: a later roll.update or replacement may let the lineage vote again in it.
                let windowClose = calendar.windows(c.birthday).first { $0.number == k }?.close ?? calendar.E
                let created = WindowSlot<G>(window: k, closes: windowClose)
                openSlots[slot] = created
                slotForJob = created
            }
            report.record(.ballotOncePerWindow, loc, failure: nil)
            sweep(now: Int64(e.time))
        }

        // Proofs (BAL-4), on the workers.
        ballotCost.ballots += 1
        for dc in decoded {
            // Each pair j: A = g^r / α^c, B = pk^r / (β/g^j)^c, plus g^lo when lo > 0. The simulated
            // challenges c_j of a disjunctive proof are uniform in Z_q, so every exponent is full-size.
            let pairs = 2 * dc.selections.count + dc.range.c.count
            ballotCost.variableBase += 3 * pairs
            ballotCost.fixedBase += pairs + (dc.version.min > 0 ? 1 : 0)
        }
        let g = group
        let binding = e.author + u32(k)
        let contexts = ballotContexts(decoded)
        let partials = self.partials, counters = self.counters
        let index = e.index
        let countedSelections = selections
        let slot = slotForJob
        // ristretto255: the pipeline combines many ballots' proofs in one sum (SPEC.md §3.5.1).
        var batch: (@Sendable () -> BatchTerms?)? = nil
        if g.name == "ristretto255" {
            batch = { () -> BatchTerms? in
                let items = Self.carriedItems(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding)
                guard let terms = BatchVerifier.terms(g, items), let r = g as? Ristretto255 else { return nil }
                var scalars: [UInt8] = []
                scalars.reserveCapacity(32 * terms.count)
                for (_, s) in terms { scalars += g.encodeScalar(s) }
                return BatchTerms(points: r.decodedPoints(terms.map { $0.0 as! Ristretto255.Element }), scalars: scalars, onSuccess: {
                    slot?.offerValid(index: index, selections: countedSelections, tally: partials, counters: counters)
                })
            }
        }
        return [ProofJob(.ballotProofs, loc, batch: batch) {
            if let failure = Self.verifyBallotProofs(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding) {
                return failure
            }
            slot?.offerValid(index: index, selections: countedSelections, tally: partials, counters: counters)
            return nil
        }]
    }

    /// The digest under which BAL-5 remembers a challenged ciphertext.
    func ciphertextDigest(_ ct: Ciphertext<G>) -> Digest128 {
        Digest128(Hash.sha256(group.encodeElement(ct.alpha) + group.encodeElement(ct.beta)))
    }

    /// The contexts of a ballot's proofs: per contest, one per option, then the range proof's.
    func ballotContexts(_ decoded: [DecodedContest]) -> [(selections: [[UInt8]], range: [UInt8])] {
        decoded.map { dc in
            (dc.version.options.indices.map { ballotContext(dc.version.contest, dc.version.version, UInt32($0)) },
             ballotContext(dc.version.contest, dc.version.version, 0xFFFF_FFFF))
        }
    }

    /// Forgets counted ballots whose window has closed: nothing can supersede them any more, so the
    /// memory kept for supersession is bounded by the ballots of the last `window_days` days.
    func sweep(now: Int64) {
        ballotsSinceSweep += 1
        guard ballotsSinceSweep >= sweepInterval else { return }
        ballotsSinceSweep = 0
        openSlots = openSlots.filter { $0.value.closes > now }
    }
}
