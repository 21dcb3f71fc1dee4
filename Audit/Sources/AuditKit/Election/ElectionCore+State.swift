/// Saving and restoring the election's running state for incremental verification.
extension ElectionCore {
    func hex(_ e: G.Element) -> JSON { .string(Hex.encode(group.encodeElement(e))) }
    func ctJSON(_ k: TallyKey, _ c: Ciphertext<G>) -> JSON {
        .object([("contest", .string(k.contest)), ("option", .string(k.option)), ("year", k.year.map { .int($0) } ?? .null),
                 ("a", hex(c.alpha)), ("b", hex(c.beta))])
    }
    func dateJSON(_ d: LocalDate?) -> JSON { d.map { .string($0.description) } ?? .null }

    func saveState() -> JSON {
        let core = saveCoreState()
        guard case .object(var members) = core else { return core }
        members.append(("devices", devicesJSON()))
        return .object(members)
    }

    private func saveCoreState() -> JSON {
        let roll: [JSON] = self.roll.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, c in
            .object([("credential", .string(Hex.encode(key))), ("birthday", .string(String(format2: c.birthday))),
                     ("from", dateJSON(c.from)), ("until", dateJSON(c.until)), ("lineage", .int(c.lineage)), ("replaced", .bool(c.replaced))])
        }
        let contests: [JSON] = self.contests.keys.sorted(by: byteOrder).flatMap { id in
            (self.contests[id] ?? []).map { v in
                JSON.object([("contest", .string(v.contest)), ("version", .int(v.version)), ("year", v.year.map { .int($0) } ?? .null),
                             ("options", .array(v.options.map { .object([("id", .string($0.id)), ("label", .string($0.label))]) })),
                             ("min", .int(v.min)), ("max", .int(v.max))])
            }
        }
        // Saved only after a run where everything passed, so every open slot has its counted ballot.
        let slots: [JSON] = openSlots.sorted { ($0.key.lineage, $0.key.window) < ($1.key.lineage, $1.key.window) }
            .compactMap { slot, state -> JSON? in
                guard let counted = state.counted else { return nil }
                let selections: [JSON] = counted.selections.map { ctJSON($0.0, $0.1) }
                return .object([("lineage", .int(slot.lineage)), ("window", .int(slot.window)), ("index", .int(counted.index)),
                                ("closes", .number(String(state.closes))), ("selections", .array(selections))])
            }
        let counts = counters.snapshot
        let challenged: [JSON] = challengedCiphertexts.sorted { ($0.high, $0.low) < ($1.high, $1.low) }.map { .string($0.hex) }
        return .object([
            ("commitments", .object(commitments.sorted { $0.key < $1.key }.map { (String($0.key), .array($0.value.map(hex))) })),
            ("shares_from", .array(sharesFrom.sorted().map { .int($0) })), ("saw_shares", .bool(sawShares)),
            ("complaints", .int(complaints)),
            ("verification_keys", .object(verificationKeys.sorted { $0.key < $1.key }.map { (String($0.key), hex($0.value)) })),
            ("public_key", publicKey.map(hex) ?? .null),
            ("roll", .array(roll)), ("contests", .array(contests)),
            ("option_order", .object(optionOrder.sorted { byteOrder($0.key, $1.key) }.map { ($0.key, .array($0.value.map { .string($0) })) })),
            ("seen", .array(seenPayloads.sorted { ($0.high, $0.low) < ($1.high, $1.low) }.map { .string($0.hex) })),
            ("tally", .array(partials.total().map { ctJSON($0.key, $0.value) })),
            ("slots", .array(slots)),
            ("counted", .int(counts.counted)), ("superseded", .int(counts.superseded)), ("spoiled", .int(spoiledBallots)),
            ("last_window", .int(counts.lastWindow)), ("since_sweep", .int(ballotsSinceSweep)),
            ("challenged", .array(challenged)),
            ("close", closeItems.map { .array($0.map { ctJSON($0.key, $0.ciphertext) }) } ?? .null),
            ("decryption_shares", .object(decryptionShares.sorted { $0.key < $1.key }.map { (String($0.key), .array($0.value.map(hex))) })),
            ("result_seen", .bool(resultSeen)),
            ("result", publishedResult.map { .array($0.map(\.json)) } ?? .null),
        ])
    }

    func restoreState(_ s: JSON) throws(AuditError) {
        func bad(_ what: String) -> AuditError { .malformed("saved election state: \(what)") }
        func el(_ j: JSON?) throws(AuditError) -> G.Element {
            guard let h = j?.stringValue else { throw bad("element") }
            return try group.element(hex: h)
        }
        func ct(_ j: JSON) throws(AuditError) -> (TallyKey, Ciphertext<G>) {
            guard let c = j["contest"]?.stringValue, let o = j["option"]?.stringValue else { throw bad("tally item") }
            return (TallyKey(contest: c, option: o, year: j["year"]?.intValue), try Ciphertext(json: j, group: group))
        }
        for (k, v) in s["commitments"]?.objectMembers ?? [] {
            var es: [G.Element] = []
            for e in v.arrayValue ?? [] { es.append(try el(e)) }
            commitments[Int(k) ?? 0] = es
        }
        sharesFrom = Set((s["shares_from"]?.arrayValue ?? []).compactMap(\.intValue))
        sawShares = s["saw_shares"]?.boolValue ?? false
        complaints = s["complaints"]?.intValue ?? 0
        for (k, v) in s["verification_keys"]?.objectMembers ?? [] { verificationKeys[Int(k) ?? 0] = try el(v) }
        if let pk = s["public_key"], pk != .null { publicKey = try el(pk) }
        for c in s["roll"]?.arrayValue ?? [] {
            guard let cred = c["credential"]?.stringValue, let b = c["birthday"]?.stringValue.flatMap(Birthday.init),
                  let lineage = c["lineage"]?.uint64Value else { throw bad("roll") }
            roll[try Hex.decode(cred, length: 32)] = RollCredential(
                birthday: b, from: c["from"]?.stringValue.flatMap(LocalDate.init), until: c["until"]?.stringValue.flatMap(LocalDate.init),
                lineage: lineage, replaced: c["replaced"]?.boolValue ?? false)
        }
        for v in s["contests"]?.arrayValue ?? [] {
            guard let id = v["contest"]?.stringValue, let n = v["version"]?.intValue, let mn = v["min"]?.intValue, let mx = v["max"]?.intValue else {
                throw bad("contest")
            }
            let options = (v["options"]?.arrayValue ?? []).map { (id: $0["id"]?.stringValue ?? "", label: $0["label"]?.stringValue ?? "") }
            contests[id, default: []].append(ContestVersion(contest: id, version: n, year: v["year"]?.intValue, options: options, min: mn, max: mx))
        }
        for (k, v) in s["option_order"]?.objectMembers ?? [] { optionOrder[k] = (v.arrayValue ?? []).compactMap(\.stringValue) }
        for h in s["seen"]?.arrayValue ?? [] { seenPayloads.insert(Digest128(try Hex.decode(h.stringValue ?? "", length: 16))) }
        var tally: [TallyKey: Ciphertext<G>] = [:]
        for item in s["tally"]?.arrayValue ?? [] { let (k, c) = try ct(item); tally[k] = c }
        partials.reset(to: tally)
        for slot in s["slots"]?.arrayValue ?? [] {
            guard let l = slot["lineage"]?.uint64Value, let w = slot["window"]?.intValue, let i = slot["index"]?.uint64Value,
                  let closes = slot["closes"]?.int64Value else { throw bad("slot") }
            var sels: [(TallyKey, Ciphertext<G>)] = []
            for item in slot["selections"]?.arrayValue ?? [] { sels.append(try ct(item)) }
            openSlots[Slot(lineage: l, window: w)] = WindowSlot(window: w, closes: closes, countedIndex: i, selections: sels)
        }
        counters.restore(counted: s["counted"]?.intValue ?? 0, superseded: s["superseded"]?.intValue ?? 0,
                         lastWindow: s["last_window"]?.intValue ?? 0)
        spoiledBallots = s["spoiled"]?.intValue ?? 0
        for h in s["challenged"]?.arrayValue ?? [] {
            challengedCiphertexts.insert(Digest128(try Hex.decode(h.stringValue ?? "", length: 16)))
        }
        try restoreDevices(s["devices"])
        ballotsSinceSweep = s["since_sweep"]?.intValue ?? 0
        if let close = s["close"]?.arrayValue {
            var items: [CloseItem] = []
            for item in close { let (k, c) = try ct(item); items.append(CloseItem(key: k, ciphertext: c)) }
            closeItems = items
        }
        for (k, v) in s["decryption_shares"]?.objectMembers ?? [] {
            var es: [G.Element] = []
            for e in v.arrayValue ?? [] { es.append(try el(e)) }
            decryptionShares[Int(k) ?? 0] = es
        }
        resultSeen = s["result_seen"]?.boolValue ?? false
        if let saved = s["result"]?.arrayValue {
            var outcomes: [ContestOutcome] = []
            for r in saved {
                guard let o = ContestOutcome(json: r) else { throw bad("result") }
                outcomes.append(o)
            }
            publishedResult = outcomes
        }
    }
}

extension String {
    init(format2 b: Birthday) {
        self = (b.month < 10 ? "0" : "") + String(b.month) + "-" + (b.day < 10 ? "0" : "") + String(b.day)
    }
}
