/// Everything SPEC.md §4 asks of the election entries after `term.setup`, in the term's group.
///
/// Called in log order. Cheap rules (roles, roll, windows, contests, supersession, the running
/// encrypted tally) are checked here; proofs are returned as ``ProofJob``s for the worker threads.
final class ElectionCore<G: PrimeOrderGroup>: ElectionCoreProtocol {
    let group: G
    let setup: TermSetup
    let record: String
    let calendar: WindowCalendar

    // Trustee ceremony (§4.4).
    var commitments: [Int: [G.Element]] = [:]
    var sharesFrom: Set<Int> = []
    var sawShares = false
    var complaints = 0
    var verificationKeys: [Int: G.Element] = [:]
    /// `A_k = Π_i C_{i,k}`, once every trustee published its commitments (``combinedCommitments()``).
    var combinedCommitmentsCache: [G.Element]? = nil
    var publicKey: G.Element? = nil

    // Roll (§4.5) and contests (§4.6).
    var roll: [[UInt8]: RollCredential] = [:]
    var contests: [String: [ContestVersion]] = [:]
    var optionOrder: [String: [String]] = [:]

    // Ballots (§4.7).
    struct TallyKey: Hashable { let contest: String; let option: String; let year: Int? }
    struct Slot: Hashable { let lineage: UInt64; let window: Int }
    /// Payload digests seen (the first 128 bits of SHA-256: 16 bytes a ballot, not a heap array).
    var seenPayloads: Set<Digest128> = []
    /// Digests of every ciphertext (`a || b`) of a challenged (spoiled) ballot: BAL-5 refuses casting them.
    var challengedCiphertexts: Set<Digest128> = []
    let partials: PartialTallies<G>
    /// The windows that may still receive a ballot, per lineage; the proof jobs decide which ballot
    /// of each counts (BAL-6).
    var openSlots: [Slot: WindowSlot<G>] = [:]
    let counters = BallotCounters()
    var spoiledBallots = 0
    // Kiosk devices (§4.9): by name, and names by key.
    var devices: [String: KioskDeviceRecord] = [:]
    var deviceNames: [[UInt8]: String] = [:]
    var ballotsSinceSweep = 0
    /// Counted ballots between two sweeps of ``openSlots`` (4,096; smaller in tests).
    let sweepInterval: Int
    var countedBallots: Int { counters.snapshot.counted }
    var lastCountedWindow: Int { counters.snapshot.lastWindow }
    /// Group exponentiations the ballot proofs need (variable base, fixed base g): the floor of BAL-4.
    var ballotCost = ProofCost()

    // Close and result (§4.8).
    struct CloseItem { let key: TallyKey; let ciphertext: Ciphertext<G> }
    var closeItems: [CloseItem]? = nil
    var decryptionShares: [Int: [G.Element]] = [:]
    var resultSeen = false
    /// The published `tally.result` once its form passed TAL-3; shown in the report only if TAL-1,
    /// TAL-2 and TAL-3 all pass (the counts are then the verified decryption of the recomputed tally).
    var publishedResult: [ContestOutcome]? = nil

    init(group: G, setup: TermSetup, record: String, calendar: WindowCalendar, sweepInterval: Int = 4096) {
        self.sweepInterval = max(1, sweepInterval)
        self.group = group
        self.setup = setup
        self.record = record
        self.calendar = calendar
        self.partials = PartialTallies(group: group)
    }

    func apply(_ entry: VerifiedEntry, report: inout Report) -> [ProofJob] {
        let f: Fields
        do { f = try Fields(entry.payload.json, kind: entry.payload.kind) } catch { return [] }
        switch entry.payload.kind {
        case "trustee.commitments": return trusteeCommitments(entry, f, &report)
        case "trustee.shares": trusteeShares(entry, f, &report)
        case "trustee.complaint": trusteeComplaint(entry, f, &report)
        case "trustee.ready": return trusteeReady(entry, f, &report)
        case "election.key": electionKey(entry, f, &report)
        case "roll.enrol", "roll.update", "roll.replace":
            report.record(.rollFrozen, .entry(entry.index), failure: closeItems == nil ? nil : "\(entry.payload.kind) after term.close: the roll is frozen")
            guard closeItems == nil else { return [] }
            switch entry.payload.kind {
            case "roll.enrol": rollEnrol(entry, f, &report)
            case "roll.update": rollUpdate(entry, f, &report)
            default: rollReplace(entry, f, &report)
            }
        case "contest.version": contestVersion(entry, f, &report)
        case "ballot.cast": return ballotCast(entry, f, &report)
        case "ballot.spoil": return ballotSpoil(entry, f, &report)
        case "kiosk.enrol": kioskEnrol(entry, f, &report)
        case "kiosk.revoke": kioskRevoke(entry, f, &report)
        case "term.close": termClose(entry, f, &report)
        case "tally.share": return tallyShare(entry, f, &report)
        case "tally.result": return tallyResult(entry, f, &report)
        default: break
        }
        return []
    }

    func isOnRoll(_ credential: [UInt8]) -> Bool { roll[credential] != nil }

    func finish(report: inout Report) -> [ProofJob] {
        let counts = counters.snapshot
        report.setFact("ballots", "\(counts.counted) counted, \(counts.superseded) superseded, \(spoiledBallots) spoiled")
        if resultSeen && publishedResult == nil {
            report.resultsWithheld = "the published result is not shown: TAL-3 failed"
        } else if let publishedResult {
            let tallyChecks = [Check.tallyClose, .tallyShares, .tallyResult]
            let failing = tallyChecks.filter { !(report[$0.id]?.passed ?? false) }.map(\.id)
            if failing.isEmpty {
                report.electionResults = publishedResult
            } else {
                report.resultsWithheld = "the published result is not shown: \(failing.joined(separator: ", ")) failed"
            }
        }
        return []
    }

    // MARK: Helpers

    func u32(_ n: Int) -> [UInt8] { Bytes.u32be(UInt32(truncatingIfNeeded: n)) }

    func element(_ json: JSON?, _ what: String) throws(AuditError) -> G.Element {
        guard let s = json?.stringValue else { throw .malformed("\(what) must be hex") }
        do { return try group.element(hex: s) } catch { throw .malformed("\(what): \(error.message)") }
    }

    /// An element that SPEC.md §3.1 forbids to be the identity (commitments, verification keys, the
    /// election key, ballot ciphertexts).
    func nonIdentityElement(_ json: JSON?, _ what: String) throws(AuditError) -> G.Element {
        let e = try element(json, what)
        guard e != group.identity else { throw .malformed("\(what) is the group identity, which SPEC.md §3.1 forbids here") }
        return e
    }

    func scalar(_ json: JSON?, _ what: String) throws(AuditError) -> G.Scalar {
        guard let s = json?.stringValue else { throw .malformed("\(what) must be hex") }
        do { return try group.scalar(hex: s) } catch { throw .malformed("\(what): \(error.message)") }
    }

    func date(_ s: String?, _ what: String) throws(AuditError) -> LocalDate? {
        guard let s else { return nil }
        guard let d = LocalDate(s) else { throw .malformed("\(what) must be a YYYY-MM-DD date") }
        return d
    }

    // MARK: Trustees (§4.4)

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

    // MARK: Roll (§4.5)

    func interval(_ f: Fields) throws(AuditError) -> (LocalDate?, LocalDate?) {
        let from = try date(try f.optionalString("eligible_from"), "eligible_from")
        let until = try date(try f.optionalString("eligible_until"), "eligible_until")
        if let from, let until, !(from < until) { throw .malformed("eligible_from must be before eligible_until") }
        return (from, until)
    }

    func rollEnrol(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["credential", "birthday", "eligible_from", "eligible_until"])
            let cred = try f.hex("credential", length: 32)
            guard isValidEd25519Key(cred) else { throw .malformed("the credential is not a valid Ed25519 public key") }
            guard roll[cred] == nil else { throw .malformed("the credential is already on the roll") }
            guard let b = Birthday(try f.string("birthday")) else { throw .malformed("birthday must be MM-DD") }
            let (from, until) = try interval(f)
            roll[cred] = RollCredential(birthday: b, from: from, until: until, lineage: e.index)
            report.record(.rollEnrol, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollEnrol, .entry(e.index), failure: error.message)
        }
    }

    static var updateReasons: Set<String> { ["coming-of-age", "moved-in", "moved-out", "death", "correction"] }

    func rollUpdate(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["credential", "eligible_from", "eligible_until", "reason"])
            let cred = try f.hex("credential", length: 32)
            guard var c = roll[cred] else { throw .malformed("the credential is not on the roll") }
            guard !c.replaced else { throw .malformed("the credential was replaced") }
            let (from, until) = try interval(f)
            guard Self.updateReasons.contains(try f.string("reason")) else { throw .malformed("reason must be one of \(Self.updateReasons.sorted())") }
            c.from = from
            c.until = until
            roll[cred] = c
            report.record(.rollUpdate, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollUpdate, .entry(e.index), failure: error.message)
        }
    }

    func rollReplace(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["old", "new", "date", "reason"])
            let old = try f.hex("old", length: 32)
            let new = try f.hex("new", length: 32)
            guard let d = try date(try f.string("date"), "date") else { throw .malformed("date is missing") }
            guard ["lost", "stolen", "damaged"].contains(try f.string("reason")) else { throw .malformed("reason must be lost, stolen or damaged") }
            guard var o = roll[old] else { throw .malformed("the old credential is not on the roll") }
            guard !o.replaced else { throw .malformed("the old credential was already replaced") }
            guard isValidEd25519Key(new) else { throw .malformed("the new credential is not a valid Ed25519 public key") }
            guard roll[new] == nil else { throw .malformed("the new credential is already on the roll") }
            let oldUntil = o.until
            let newFrom = o.from.map { max($0, d) } ?? d
            // The new credential must be able to vote; the old one may be left an empty interval
            // (a card lost before its eligibility began): it then has no window.
            if let oldUntil, !(newFrom < oldUntil) {
                throw .malformed("the new credential's eligibility [\(newFrom), \(oldUntil)) would be empty: the replacement date is not before the end of the voter's eligibility")
            }
            o.until = oldUntil.map { min($0, d) } ?? d
            o.replaced = true
            roll[old] = o
            roll[new] = RollCredential(birthday: o.birthday, from: newFrom, until: oldUntil, lineage: o.lineage)
            report.record(.rollReplace, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollReplace, .entry(e.index), failure: error.message)
        }
    }

    // MARK: Contests (§4.6)

    func contestVersion(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let loc = Location.entry(e.index)
        let v: ContestVersion
        do throws(AuditError) {
            try f.finish(["contest", "version", "title", "title_en", "year", "options", "min", "max"])
            let contest = try f.string("contest")
            guard isElectionID(contest) else { throw .malformed("contest id must be 1–64 of a-z 0-9 - (not starting or ending with -)") }
            let version = try f.count("version")
            _ = try f.string("title")
            // Optional English title (§4.6): a string when present, right after "title".
            if f.has("title_en") {
                _ = try f.string("title_en")
                guard f.members.firstIndex(where: { $0.0 == "title_en" }) == (f.members.firstIndex { $0.0 == "title" } ?? -2) + 1 else {
                    throw .malformed("\"title_en\" must come right after \"title\"")
                }
            }
            let year = try f.optionalCount("year")
            var options: [(String, String)] = []
            for o in try f.array("options") {
                let of = try Fields.object(o, "option")
                try of.finish(["id", "label", "label_en"], withTerm: false)
                if of.has("label_en") {
                    _ = try of.string("label_en")
                    guard of.members.map(\.0) == ["id", "label", "label_en"] else { throw .malformed("an option is {\"id\",\"label\"[,\"label_en\"]} in that order") }
                }
                options.append((try of.string("id"), try of.string("label")))
            }
            v = ContestVersion(contest: contest, version: version, year: year, options: options, min: try f.count("min"), max: try f.count("max"))
        } catch {
            report.record(.contestVersions, loc, failure: error.message)
            return
        }
        let previous = contests[v.contest]?.last
        let expectedVersion = (previous?.version ?? 0) + 1
        var versionFailure: String? = nil
        if closeItems != nil { versionFailure = "a contest version after term.close" }
        else if v.version != expectedVersion { versionFailure = "contest \"\(v.contest)\" version \(v.version) should be \(expectedVersion)" }
        else if let first = contests[v.contest]?.first, first.year != v.year {
            versionFailure = "contest \"\(v.contest)\" must keep the year of its version 1"
        }
        report.record(.contestVersions, loc, failure: versionFailure)
        var problem: String? = nil
        if Set(v.options.map(\.id)).count != v.options.count { problem = "option ids are not unique" }
        else if v.options.contains(where: { $0.id.isEmpty }) { problem = "an option id is empty" }
        else if !(v.min <= v.max && v.max <= v.options.count) { problem = "needs 0 ≤ min ≤ max ≤ number of options" }
        else if let y = v.year, y < 1 { problem = "year must be null or a window number ≥ 1" }
        report.record(.contestOptions, loc, failure: problem)
        guard versionFailure == nil, problem == nil else { return }
        contests[v.contest, default: []].append(v)
        var order = optionOrder[v.contest] ?? []
        for o in v.options where !order.contains(o.id) { order.append(o.id) }
        optionOrder[v.contest] = order
    }

    /// The contests in force for window `k` now (latest versions, ordered by contest id).
    func contestsInForce(window k: Int) -> [ContestVersion] {
        contests.keys.sorted(by: byteOrder).compactMap { id in
            guard let latest = contests[id]?.last, latest.year == nil || latest.year == k else { return nil }
            return latest
        }
    }

    // MARK: Ballots (§4.7)

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
                try sf.finish(["a", "b", "c", "r"], withTerm: false)
                let ct = try Ciphertext(json: s, group: group)
                guard ct.alpha != group.identity, ct.beta != group.identity else {
                    throw .malformed("contest \"\(v.contest)\": a selection's ciphertext holds the group identity, which SPEC.md §3.1 forbids")
                }
                cts.append(ct)
                let p = try RangeProof(json: s, group: group)
                guard p.c.count == 2, p.r.count == 2 else { throw .malformed("a selection proof has two challenges and two responses") }
                proofs.append(p)
            }
            let rf = try Fields.object(range, "range proof")
            try rf.finish(["c", "r"], withTerm: false)
            let rp = try RangeProof(json: range, group: group)
            guard rp.c.count == v.max - v.min + 1, rp.r.count == rp.c.count else {
                throw .malformed("contest \"\(v.contest)\" range proof needs \(v.max - v.min + 1) challenges and responses")
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
        return [ProofJob(.ballotProofs, loc) {
            if let failure = Self.verifyBallotProofs(g, pk: pk, decoded: decoded, contexts: contexts, binding: binding) {
                return failure
            }
            slot?.offerValid(index: index, selections: countedSelections, tally: partials, counters: counters)
            return nil
        }]
    }

    /// BAL-4: every disjunctive proof and each contest's range proof; nil when all verify.
    static func verifyBallotProofs(_ g: G, pk: G.Element, decoded: [DecodedContest],
                                   contexts: [(selections: [[UInt8]], range: [UInt8])], binding: [UInt8]) -> String? {
        for (dc, ctx) in zip(decoded, contexts) {
            var sum = Ciphertext<G>.zero(g)
            for (i, ct) in dc.selections.enumerated() {
                if let f = ProofVerifier.disjunctive(g, pk: pk, ciphertext: ct, proof: dc.selectionProofs[i],
                                                     binding: ProofBinding(context: ctx.selections[i], binding: binding)) {
                    return "contest \"\(dc.version.contest)\" option \(i): \(f)"
                }
                sum = sum.adding(ct, in: g)
            }
            if let f = ProofVerifier.range(g, pk: pk, ciphertext: sum, lo: UInt32(dc.version.min), hi: UInt32(dc.version.max),
                                           proof: dc.range, binding: ProofBinding(context: ctx.range, binding: binding)) {
                return "contest \"\(dc.version.contest)\": \(f)"
            }
        }
        return nil
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

    // MARK: Close and result (§4.8)

    /// The items term.close must list, in order.
    func expectedItems() -> [TallyKey] {
        var base: [(String, String)] = []
        for c in contests.keys.sorted(by: byteOrder) { for o in optionOrder[c] ?? [] { base.append((c, o)) } }
        var keys = base.map { TallyKey(contest: $0.0, option: $0.1, year: nil) }
        if setup.perYearResults && lastCountedWindow >= 1 {
            for y in 1...lastCountedWindow {
                // A contest has a result for window y only if it is on that window's ballots: its year
                // (that of version 1, kept by every version) is null or y.
                keys += base.filter { isOnBallots(contest: $0.0, window: y) }.map { TallyKey(contest: $0.0, option: $0.1, year: y) }
            }
        }
        return keys
    }

    /// True if `contest` is on the ballots of window `window` (its `year` is null or that window).
    func isOnBallots(contest: String, window: Int) -> Bool {
        guard let year = contests[contest]?.first?.year else { return true }
        return year == window
    }

    func termClose(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        let tally = partials.total()
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["tally", "counted"])
            guard closeItems == nil else { throw .malformed("a second term.close") }
            guard Int64(e.time) >= calendar.E else { throw .malformed("term.close at \(e.time) before the end of the term (\(calendar.E))") }
            let counted = try f.count("counted")
            let items = try f.array("tally")
            var parsed: [CloseItem] = []
            for it in items {
                let itf = try Fields.object(it, "tally item")
                try itf.finish(["contest", "option", "year", "a", "b"], withTerm: false)
                let key = TallyKey(contest: try itf.string("contest"), option: try itf.string("option"), year: try itf.optionalCount("year"))
                parsed.append(CloseItem(key: key, ciphertext: try Ciphertext(json: it, group: group)))
            }
            closeItems = parsed
            var problems: [String] = []
            if counted != countedBallots { problems.append("counted is \(counted) but \(countedBallots) ballots count") }
            let expected = expectedItems()
            if parsed.map(\.key) != expected {
                problems.append("the items are not every (contest, option\(setup.perYearResults ? ", year" : "")) in SPEC order (\(parsed.count) given, \(expected.count) expected)")
            } else {
                for (i, item) in parsed.enumerated() where item.ciphertext != (tally[item.key] ?? .zero(group)) {
                    problems.append("item \(i) (\(item.key.contest)/\(item.key.option)\(item.key.year.map { " year \($0)" } ?? "")) differs from the recomputed encrypted tally")
                }
            }
            report.record(.tallyClose, loc, failure: problems.isEmpty ? nil : problems.joined(separator: "; "))
        } catch {
            report.record(.tallyClose, loc, failure: error.message)
        }
    }

    func decryptionContext(_ item: Int) -> [UInt8] {
        Bytes.lp(Array("perennial-decryption-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8)) + u32(item)
    }

    func tallyShare(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["trustee", "shares"])
            let j = try f.count("trustee")
            guard let items = closeItems else { throw .malformed("a decryption share before term.close") }
            guard decryptionShares[j] == nil else { throw .malformed("trustee \(j) already published decryption shares") }
            guard let P = verificationKeys[j] else { throw .malformed("trustee \(j) has no verification key") }
            let shares = try f.array("shares")
            guard shares.count == items.count else { throw .malformed("one share per term.close item is needed (\(items.count))") }
            var ds: [G.Element] = []
            var proofs: [CompactProof<G>] = []
            for s in shares {
                let sf = try Fields.object(s, "decryption share")
                try sf.finish(["d", "c", "r"], withTerm: false)
                ds.append(try element(try sf.value("d"), "d"))
                proofs.append(try CompactProof(json: s, group: group))
            }
            decryptionShares[j] = ds
            let g = group
            let cDs = ds, cProofs = proofs
            let alphas = items.map(\.ciphertext.alpha)
            let contexts = items.indices.map { decryptionContext($0) }
            return [ProofJob(.tallyShares, loc) {
                for i in 0..<cDs.count {
                    let b = ProofBinding(context: contexts[i], binding: Bytes.u32be(UInt32(j)))
                    if let f = ProofVerifier.chaumPedersen(g, X: P, h: alphas[i], Y: cDs[i], proof: cProofs[i], binding: b) {
                        return "item \(i): \(f)"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.tallyShares, loc, failure: error.message)
            return []
        }
    }

    func tallyResult(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(e.index)
        do throws(AuditError) {
            try f.finish(["trustees", "results"])
            guard !resultSeen else { throw .malformed("a second tally.result") }
            resultSeen = true
            guard let items = closeItems else { throw .malformed("a result before term.close") }
            var trustees: [UInt64] = []
            for t in try f.array("trustees") {
                guard let v = t.uint64Value, v >= 1, v <= UInt64(setup.n) else { throw .malformed("trustees must be indices 1…\(setup.n)") }
                trustees.append(v)
            }
            guard trustees.count >= setup.t else { throw .malformed("at least t = \(setup.t) trustees must decrypt") }
            guard zip(trustees, trustees.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .malformed("trustees must be listed in increasing order") }
            var shares: [[G.Element]] = []
            for j in trustees {
                guard let s = decryptionShares[Int(j)] else { throw .malformed("trustee \(j) has no tally.share") }
                shares.append(s)
            }
            // Expected groups: (contest, year) in term.close order, each with its options in order.
            var groups: [(contest: String, year: Int?, items: [Int])] = []
            for (i, it) in items.enumerated() {
                if let last = groups.last, last.contest == it.key.contest, last.year == it.key.year {
                    groups[groups.count - 1].items.append(i)
                } else {
                    groups.append((it.key.contest, it.key.year, [i]))
                }
            }
            let results = try f.array("results")
            guard results.count == groups.count else { throw .malformed("\(results.count) results for \(groups.count) (contest, year) groups") }
            var counts = [UInt64](repeating: 0, count: items.count)
            var outcomes: [ContestOutcome] = []
            for (r, grp) in zip(results, groups) {
                let rf = try Fields.object(r, "result")
                try rf.finish(["contest", "year", "options", "winners", "tie"], withTerm: false)
                guard try rf.string("contest") == grp.contest, try rf.optionalCount("year") == grp.year else {
                    throw .malformed("results must follow term.close order (expected \(grp.contest) year \(grp.year.map(String.init) ?? "null"))")
                }
                let opts = try rf.array("options")
                guard opts.count == grp.items.count else { throw .malformed("result \(grp.contest): one entry per option is needed") }
                let latest = contests[grp.contest]?.last
                var eligible: [(String, UInt64)] = []
                for (o, i) in zip(opts, grp.items) {
                    let of = try Fields.object(o, "result option")
                    try of.finish(["id", "label", "count", "withdrawn"], withTerm: false)
                    let id = try of.string("id")
                    guard id == items[i].key.option else { throw .malformed("result \(grp.contest): option \(id) out of order") }
                    let label = contests[grp.contest]?.last(where: { $0.options.contains { $0.id == id } })?.options.first { $0.id == id }?.label
                    guard try of.string("label") == label else { throw .malformed("option \(id): the label must be that of the latest version containing it") }
                    let withdrawn = !(latest?.options.contains { $0.id == id } ?? false)
                    guard try of.bool("withdrawn") == withdrawn else { throw .malformed("option \(id): withdrawn must be \(withdrawn)") }
                    guard let count = try of.value("count").uint64Value else { throw .malformed("option \(id): count must be an integer") }
                    counts[i] = count
                    if id != "blank" && !withdrawn { eligible.append((id, count)) }
                }
                // Winners: the eligible options with the highest count, in the options' order; none
                // when no eligible option received a vote (or there is no eligible option).
                let top = eligible.map(\.1).max() ?? 0
                let winners = top == 0 ? [] : eligible.filter { $0.1 == top }.map(\.0)
                var given: [String] = []
                for w in try rf.array("winners") {
                    guard let s = w.stringValue else { throw .malformed("winners must be option ids") }
                    given.append(s)
                }
                let yearText = grp.year.map { " year \($0)" } ?? ""
                guard given == winners else {
                    throw .malformed("result \(grp.contest)\(yearText): winners must be \(winners) (in the options' order)")
                }
                let tie = try rf.bool("tie")
                guard tie == (winners.count > 1) else { throw .malformed("result \(grp.contest)\(yearText): tie must be \(winners.count > 1)") }
                outcomes.append(ContestOutcome(
                    contest: grp.contest, year: grp.year,
                    options: zip(opts, grp.items).map { o, i in
                        ContestOutcome.Option(id: items[i].key.option, label: o["label"]?.stringValue ?? "", count: counts[i],
                                              withdrawn: o["withdrawn"]?.boolValue ?? false)
                    },
                    winners: winners, tie: tie))
            }
            publishedResult = outcomes
            // Decryption: g^count = β / Π_j d_j^(λ_j) for every item, on a worker.
            let g = group
            let betas = items.map(\.ciphertext.beta)
            let cTrustees = trustees, cShares = shares, cCounts = counts
            return [ProofJob(.tallyResult, loc) {
                for i in 0..<betas.count {
                    guard let alphaS = Threshold.combine(g, shares: zip(cTrustees, cShares).map { ($0, $1[i]) }) else {
                        return "the trustee indices do not give Lagrange coefficients"
                    }
                    guard g.expG(g.scalar(cCounts[i])) == g.div(betas[i], alphaS) else {
                        return "item \(i): the published count \(cCounts[i]) is not the decryption of the tally"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.tallyResult, loc, failure: error.message)
            return []
        }
    }
}

/// A 128-bit digest prefix, hashable without allocation.
struct Digest128: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ digest: [UInt8]) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(digest[i]) }
        for i in 8..<16 { l = l << 8 | UInt64(digest[i]) }
        high = h
        low = l
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    var hex: String { Hex.encode(Bytes.u64be(high) + Bytes.u64be(low)) }
}
