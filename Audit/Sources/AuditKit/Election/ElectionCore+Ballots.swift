/// Cast ballots (§4.7): credential and window, the contests in force, supersession (BAL-1 … BAL-7).
extension ElectionCore {
    func ballotContext(_ contest: String, _ version: Int, _ position: UInt32) -> [UInt8] {
        Bytes.lp(Array("perennial-ballot-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8))
            + Bytes.lp(Array(contest.utf8)) + Bytes.u32be(UInt32(version)) + Bytes.u32be(position)
    }

    /// BAL-1 and BAL-2 for a credential at log time `time`: returns the credential and the window's
    /// close, or the reasons.
    func credentialAndWindow(_ author: [UInt8], window: Int, time: UInt64)
        -> (cred: RollCredential?, close: Int64?, credFailure: String?, windowFailure: String?) {
        guard let credential = roll[author] else { return (nil, nil, "the author's credential is not on the roll", "no window: not on the roll") }
        let logTime = Int64(time)
        var credFailure: String? = nil
        if credential.replaced, let until = credential.until, logTime >= calendar.clock.midnight(until) {
            credFailure = "the credential was replaced and stopped on \(until)"
        }
        guard let span = calendar.window(window, birthday: credential.birthday, from: credential.from, until: credential.until) else {
            return (credential, nil, credFailure, "the credential has no window \(window) (birthday, term and eligibility)")
        }
        guard span.open <= logTime, logTime < span.close else {
            return (credential, span.close, credFailure, "log time \(logTime) is outside window \(window) [\(span.open), \(span.close))")
        }
        return (credential, span.close, credFailure, nil)
    }

    /// A ballot.cast payload's contests, decoded and matched against the contests in force.
    struct DecodedContest {
        let version: ContestVersion
        let selections: [Ciphertext<G>]
        let selectionProofs: [RangeProof<G>]
        let range: RangeProof<G>
    }

    /// - Parameter predecoded: the contests' selections and range proofs as a worker decoded them
    ///   (``predecodeBallot(_:)``), used in place of decoding them here when given.
    func decodeBallotContests(_ items: [JSON], window: Int, predecoded: PredecodedBallot? = nil)
        throws(AuditError) -> (structure: String?, decoded: [DecodedContest]?) {
        let inForce = contestsInForce(window: window)
        guard items.count == inForce.count else {
            return ("the ballot has \(items.count) contests; \(inForce.count) are in force for window \(window)", nil)
        }
        var out: [DecodedContest] = []
        var structural: String? = nil
        var parsed: [(ContestVersion, [JSON], JSON)] = []
        for (item, inForceVersion) in zip(items, inForce) {
            let contestFields = try Fields.object(item, "ballot contest")
            try contestFields.finish(["contest", "version", "selections", "range"], withTerm: false)
            let id = try contestFields.string("contest")
            let version = try contestFields.count("version")
            let selectionValues = try contestFields.array("selections")
            if id != inForceVersion.contest { structural = "contest \"\(id)\" where \"\(inForceVersion.contest)\" is in force"; break }
            if version != inForceVersion.version { structural = "contest \"\(id)\" version \(version) where version \(inForceVersion.version) is in force"; break }
            if selectionValues.count != inForceVersion.options.count { structural = "contest \"\(id)\" has \(selectionValues.count) selections for \(inForceVersion.options.count) options"; break }
            parsed.append((inForceVersion, selectionValues, try contestFields.value("range")))
        }
        if let structural { return (structural, nil) }
        let ready = predecoded.flatMap { $0.core == ObjectIdentifier(self) && $0.contests.count == items.count ? $0.contests : nil }
        for (k, (inForceVersion, selectionValues, range)) in parsed.enumerated() {
            let ciphertexts: [Ciphertext<G>], proofs: [RangeProof<G>], rangeProof: RangeProof<G>
            if let ready {
                (ciphertexts, proofs) = try ready[k].selections.get()
                rangeProof = try ready[k].range.get()
            } else {
                (ciphertexts, proofs) = try decodeSelections(selectionValues, contest: inForceVersion.contest)
                rangeProof = try decodeRangeProof(range)
            }
            guard rangeProof.c.count == inForceVersion.max - inForceVersion.min + 1, rangeProof.r.count == rangeProof.c.count else {
                throw .malformed("contest \"\(inForceVersion.contest)\" range proof needs \(inForceVersion.max - inForceVersion.min + 1) challenges and responses")
            }
            if group.carriesCommitments {
                guard rangeProof.t?.count == 2 * rangeProof.c.count else {
                    throw .malformed("contest \"\(inForceVersion.contest)\" range proof carries \(2 * rangeProof.c.count) commitments \"t\" (SPEC.md §3.5.1)")
                }
            }
            out.append(DecodedContest(version: inForceVersion, selections: ciphertexts, selectionProofs: proofs, range: rangeProof))
        }
        return (nil, out)
    }

    /// A ballot's selections and range proofs decoded on a worker, before the sequential pass knows
    /// which contests are in force: per contest (in the payload's order), what ``decodeSelections``
    /// and ``decodeRangeProof`` returned or threw. The sequential pass then throws the same first
    /// error in the same order as if it decoded them itself. Tied to the core that made it.
    struct PredecodedBallot: @unchecked Sendable {
        let core: ObjectIdentifier
        let contests: [(selections: Result<([Ciphertext<G>], [RangeProof<G>]), AuditError>, range: Result<RangeProof<G>, AuditError>)]
    }

    /// Decodes the elements and scalars of a `ballot.cast` payload; state-free, so it runs on the
    /// workers. Nil when the payload's outer shape is wrong (the sequential pass then reports it).
    func predecodeBallot(_ json: JSON) -> (any Sendable)? { predecodedBallot(json) }

    func predecodedBallot(_ json: JSON) -> PredecodedBallot? {
        guard let items = try? Fields(json, kind: "ballot.cast").array("contests") else { return nil }
        var contests: [(selections: Result<([Ciphertext<G>], [RangeProof<G>]), AuditError>, range: Result<RangeProof<G>, AuditError>)] = []
        for item in items {
            guard let fields = try? Fields.object(item, "ballot contest"), let id = try? fields.string("contest"),
                  let selectionValues = try? fields.array("selections"), let range = try? fields.value("range") else { return nil }
            let selections: Result<([Ciphertext<G>], [RangeProof<G>]), AuditError>
            do throws(AuditError) { selections = .success(try decodeSelections(selectionValues, contest: id)) } catch { selections = .failure(error) }
            let rangeProof: Result<RangeProof<G>, AuditError>
            do throws(AuditError) { rangeProof = .success(try decodeRangeProof(range)) } catch { rangeProof = .failure(error) }
            contests.append((selections, rangeProof))
        }
        return PredecodedBallot(core: ObjectIdentifier(self), contests: contests)
    }

    /// One contest's selections: ciphertexts (never the identity) and their proofs.
    func decodeSelections(_ selectionValues: [JSON], contest: String) throws(AuditError) -> ([Ciphertext<G>], [RangeProof<G>]) {
        var ciphertexts: [Ciphertext<G>] = []
        var proofs: [RangeProof<G>] = []
        let batch = ElementBatch(group)  // eg4096: the contest's elements' membership in one test (SPEC.md §3.1)
        for selection in selectionValues {
            let selectionFields = try Fields.object(selection, "selection")
            try selectionFields.finish(group.carriesCommitments ? ["a", "b", "c", "r", "t"] : ["a", "b", "c", "r"], withTerm: false)
            let ciphertext = try Ciphertext(json: selection, group: group, batch: batch)
            guard ciphertext.alpha != group.identity, ciphertext.beta != group.identity else {
                throw .malformed("contest \"\(contest)\": a selection's ciphertext holds the group identity, which SPEC.md §3.1 forbids")
            }
            ciphertexts.append(ciphertext)
            let proof = try RangeProof(json: selection, group: group, batch: batch)
            guard proof.c.count == 2, proof.r.count == 2 else { throw .malformed("a selection proof has two challenges and two responses") }
            if group.carriesCommitments {
                guard proof.t?.count == 4 else { throw .malformed("a \(group.name) selection proof carries four commitments \"t\" (SPEC.md §3.5.1)") }
            }
            proofs.append(proof)
        }
        try batch.check()
        return (ciphertexts, proofs)
    }

    /// One contest's range proof, decoded (its length is checked against the contest by the caller).
    func decodeRangeProof(_ range: JSON) throws(AuditError) -> RangeProof<G> {
        let rangeFields = try Fields.object(range, "range proof")
        try rangeFields.finish(group.carriesCommitments ? ["c", "r", "t"] : ["c", "r"], withTerm: false)
        let batch = ElementBatch(group)
        let proof = try RangeProof(json: range, group: group, batch: batch)
        try batch.check()
        return proof
    }

    func ballotCast(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        let window: Int
        let items: [JSON]
        do throws(AuditError) {
            try fields.finish(["window", "contests"])
            window = try fields.count("window")
            items = try fields.array("contests")
        } catch {
            report.record(.ballotContests, loc, failure: error.message)
            return []
        }
        report.record(.ballotKeyAndClose, loc, failure: publicKey == nil ? "the ballot precedes the election key"
            : (closeItems != nil ? "the ballot follows term.close" : nil))
        let credentialCheck = credentialAndWindow(entry.author, window: window, time: entry.time)
        report.record(.ballotCredential, loc, failure: credentialCheck.credFailure ?? (credentialCheck.cred == nil ? "the author's credential is not on the roll" : nil))
        report.record(.ballotWindow, loc, failure: credentialCheck.windowFailure)
        let replay = !seenPayloads.insert(Digest128(entry.payloadDigest)).inserted
        report.record(.ballotReplay, loc, failure: replay ? "the same ballot payload was already recorded" : nil)

        let decoded: [DecodedContest]
        do throws(AuditError) {
            let (structure, d) = try decodeBallotContests(items, window: window, predecoded: entry.prepared as? PredecodedBallot)
            report.record(.ballotContests, loc, failure: structure)
            guard let d else { return [] }
            decoded = d
        } catch {
            report.record(.ballotContests, loc, failure: nil)
            report.record(.ballotProofs, loc, failure: error.message)
            return []
        }
        guard let pk = publicKey else { return [] }
        let reusedRandomness = freshRandomness(decoded, challenged: false)
        if let reusedRandomness { report.fail(.ballotReplay, loc, "the ballot \(reusedRandomness)") }

        // Counting (BAL-6): a ballot that passed the order-dependent rules goes to its lineage's slot
        // for the window; its job offers it there only if its proofs verify (the latest valid ballot
        // counts, whatever order the jobs finish in).
        var slotForJob: WindowSlot<G>? = nil
        var selections: [(TallyKey, Ciphertext<G>)] = []
        if let credential = credentialCheck.cred, credentialCheck.credFailure == nil, credentialCheck.windowFailure == nil, closeItems == nil, !replay, reusedRandomness == nil {
            let slot = Slot(lineage: credential.lineage, window: window)
            for decodedContest in decoded {
                for (option, ciphertext) in zip(decodedContest.version.options, decodedContest.selections) {
                    selections.append((TallyKey(contest: decodedContest.version.contest, option: option.id, year: nil), ciphertext))
                    if setup.perYearResults { selections.append((TallyKey(contest: decodedContest.version.contest, option: option.id, year: window), ciphertext)) }
                }
            }
            if let existing = openSlots[slot] {
                slotForJob = existing
            } else {
                // Swept by the window's own close, never by the close as clipped by the eligibility in
                // force now: a later roll.update or replacement may let the lineage vote again in it.
                let windowClose = calendar.windows(credential.birthday).first { $0.number == window }?.close ?? calendar.E
                let created = WindowSlot<G>(window: window, closes: windowClose)
                openSlots[slot] = created
                slotForJob = created
            }
            report.record(.ballotOncePerWindow, loc, failure: nil)
            sweep(now: Int64(entry.time))
        }

        // Proofs (BAL-4), on the workers.
        ballotCost.ballots += 1
        for decodedContest in decoded {
            // Each pair j: A = g^r / α^c, B = pk^r / (β/g^j)^c, plus g^lo when lo > 0. The simulated
            // challenges c_j of a disjunctive proof are uniform in Z_q, so every exponent is full-size.
            let pairs = 2 * decodedContest.selections.count + decodedContest.range.c.count
            ballotCost.variableBase += 3 * pairs
            ballotCost.fixedBase += pairs + (decodedContest.version.min > 0 ? 1 : 0)
        }
        let group = self.group
        let binding = entry.author + u32(window)
        let contexts = ballotContexts(decoded)
        let partials = self.partials, counters = self.counters
        let index = entry.index
        let countedSelections = selections
        let slot = slotForJob
        // ristretto255: the pipeline combines many ballots' proofs in one sum (SPEC.md §3.5.1).
        var batch: (@Sendable () -> BatchTerms?)? = nil
        if group.name == "ristretto255" {
            batch = { () -> BatchTerms? in
                let items = Self.carriedItems(group, pk: pk, decoded: decoded, contexts: contexts, binding: binding)
                guard let terms = BatchVerifier.terms(group, items), let ristretto = group as? Ristretto255,
                      let ristrettoTerms = terms as? [(Ristretto255.Element, Ristretto255.Scalar)] else { return nil }
                let (points, scalars) = ristretto.batchInputs(ristrettoTerms)
                return BatchTerms(points: points, scalars: scalars, onSuccess: {
                    slot?.offerValid(index: index, selections: countedSelections, tally: partials, counters: counters)
                })
            }
        }
        return [ProofJob(.ballotProofs, loc, batch: batch) {
            if let failure = Self.verifyBallotProofs(group, pk: pk, decoded: decoded, contexts: contexts, binding: binding) {
                return failure
            }
            slot?.offerValid(index: index, selections: countedSelections, tally: partials, counters: counters)
            return nil
        }]
    }

    /// The digest under which BAL-5 remembers a challenged ciphertext.
    /// BAL-5's fresh randomness (SPEC §4.7): two ciphertexts with the same `a = g^r` share `r`, so the
    /// ratio of their `b`s shows whether their choices differ, and the opening of either (a challenged
    /// ballot's `r` is public) decrypts both. Remembers the ballot's `a`s (as challenged or cast) and
    /// says what was reused, or nil when every `a` is new.
    func freshRandomness(_ decoded: [DecodedContest], challenged: Bool) -> String? {
        var own = Set<Digest128>()
        var failure: String?
        for decodedContest in decoded {
            for ciphertext in decodedContest.selections {
                let digest = Digest128(Hash.sha256(group.encodeElement(ciphertext.alpha)))
                let contest = "contest \"\(decodedContest.version.contest)\""
                let reuse: String? = challengedRandomness.contains(digest)
                    ? "reuses the randomness of a challenged ballot's ciphertext (\(contest)), whose choices are public"
                    : castRandomness.contains(digest)
                    ? "reuses the randomness of an earlier ballot's ciphertext (\(contest)): the two choices can be compared, and opening one reveals the other"
                    : own.contains(digest) ? "has two ciphertexts with the same randomness (\(contest))" : nil
                failure = failure ?? reuse
                own.insert(digest)
            }
        }
        if challenged { challengedRandomness.formUnion(own) } else { castRandomness.formUnion(own) }
        return failure
    }

    /// The contexts of a ballot's proofs: per contest, one per option, then the range proof's.
    /// Every ballot of a contest version has the same contexts: built once per version and option
    /// count (``contextCache``), not once per ballot on the in-order thread.
    func ballotContexts(_ decoded: [DecodedContest]) -> [(selections: [[UInt8]], range: [UInt8])] {
        decoded.map { decodedContest in
            let v = decodedContest.version
            let key = ContextKey(contest: v.contest, version: v.version, options: v.options.count)
            if let cached = contextCache[key] { return cached }
            let made = (v.options.indices.map { ballotContext(v.contest, v.version, UInt32($0)) }, ballotContext(v.contest, v.version, 0xFFFF_FFFF))
            contextCache[key] = made
            return made
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
