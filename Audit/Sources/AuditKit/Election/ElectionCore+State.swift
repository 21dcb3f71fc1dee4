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

    private static func digestList(_ set: Set<Digest128>) -> JSON {
        .array(set.sorted { ($0.high, $0.low) < ($1.high, $1.low) }.map { .string($0.hex) })
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
        let challenged: JSON = Self.digestList(challengedRandomness), cast: JSON = Self.digestList(castRandomness)
        let closeJSON: JSON = closeItems.map { .array($0.map { ctJSON($0.key, $0.ciphertext) }) } ?? .null
        let shares: JSON = .object(decryptionShares.sorted { $0.key < $1.key }.map { (String($0.key), .array($0.value.map(hex))) })
        return .object([
            ("commitments", .object(commitments.sorted { $0.key < $1.key }.map { (String($0.key), .array($0.value.map(hex))) })),
            ("shares_from", .array(sharesFrom.sorted().map { .int($0) })), ("saw_shares", .bool(sawShares)),
            ("complaints", .int(complaints)),
            ("verification_keys", .object(verificationKeys.sorted { $0.key < $1.key }.map { (String($0.key), hex($0.value)) })),
            ("public_key", publicKey.map(hex) ?? .null),
            ("roll", .array(roll)), ("contests", .array(contests)),
            ("option_order", .object(optionOrder.sorted { byteOrder($0.key, $1.key) }.map { ($0.key, .array($0.value.map { .string($0) })) })),
            ("seen", Self.digestList(seenPayloads)),
            ("tally", .array(partials.total().map { ctJSON($0.key, $0.value) })),
            ("slots", .array(slots)),
            ("counted", .int(counts.counted)), ("superseded", .int(counts.superseded)), ("spoiled", .int(spoiledBallots)),
            ("last_window", .int(counts.lastWindow)), ("since_sweep", .int(ballotsSinceSweep)),
            ("challenged", challenged), ("cast_randomness", cast),
            ("close", closeJSON), ("decryption_shares", shares),
            ("result_seen", .bool(resultSeen)),
            ("result", publishedResult.map { .array($0.map(\.json)) } ?? .null),
        ])
    }

    func restoreState(_ saved: JSON) throws(AuditError) {
        func bad(_ what: String) -> AuditError { .malformed("saved election state: \(what)") }
        func storedElement(_ json: JSON?) throws(AuditError) -> G.Element {
            guard let text = json?.stringValue else { throw bad("element") }
            return try group.element(hex: text)
        }
        func storedElements(_ json: JSON) throws(AuditError) -> [G.Element] {
            var elements: [G.Element] = []
            for item in json.arrayValue ?? [] { elements.append(try storedElement(item)) }
            return elements
        }
        func storedTallyItem(_ json: JSON) throws(AuditError) -> (TallyKey, Ciphertext<G>) {
            guard let contest = json["contest"]?.stringValue, let option = json["option"]?.stringValue else { throw bad("tally item") }
            return (TallyKey(contest: contest, option: option, year: json["year"]?.intValue), try Ciphertext(json: json, group: group))
        }
        for (trustee, values) in saved["commitments"]?.objectMembers ?? [] {
            commitments[Int(trustee) ?? 0] = try storedElements(values)
        }
        sharesFrom = Set((saved["shares_from"]?.arrayValue ?? []).compactMap(\.intValue))
        sawShares = saved["saw_shares"]?.boolValue ?? false
        complaints = saved["complaints"]?.intValue ?? 0
        for (trustee, key) in saved["verification_keys"]?.objectMembers ?? [] { verificationKeys[Int(trustee) ?? 0] = try storedElement(key) }
        if let pk = saved["public_key"], pk != .null { publicKey = try storedElement(pk) }
        for credential in saved["roll"]?.arrayValue ?? [] {
            guard let key = credential["credential"]?.stringValue, let birthday = credential["birthday"]?.stringValue.flatMap(Birthday.init),
                  let lineage = credential["lineage"]?.uint64Value else { throw bad("roll") }
            roll[try Hex.decode(key, length: 32)] = RollCredential(
                birthday: birthday, from: credential["from"]?.stringValue.flatMap(LocalDate.init),
                until: credential["until"]?.stringValue.flatMap(LocalDate.init),
                lineage: lineage, replaced: credential["replaced"]?.boolValue ?? false)
        }
        for version in saved["contests"]?.arrayValue ?? [] {
            guard let id = version["contest"]?.stringValue, let number = version["version"]?.intValue,
                  let min = version["min"]?.intValue, let max = version["max"]?.intValue else {
                throw bad("contest")
            }
            let options = (version["options"]?.arrayValue ?? []).map { (id: $0["id"]?.stringValue ?? "", label: $0["label"]?.stringValue ?? "") }
            contests[id, default: []].append(ContestVersion(contest: id, version: number, year: version["year"]?.intValue, options: options,
                                                            min: min, max: max))
        }
        for (contest, order) in saved["option_order"]?.objectMembers ?? [] { optionOrder[contest] = (order.arrayValue ?? []).compactMap(\.stringValue) }
        for digest in saved["seen"]?.arrayValue ?? [] { seenPayloads.insert(Digest128(try Hex.decode(digest.stringValue ?? "", length: 16))) }
        var tally: [TallyKey: Ciphertext<G>] = [:]
        for item in saved["tally"]?.arrayValue ?? [] { let (key, ciphertext) = try storedTallyItem(item); tally[key] = ciphertext }
        partials.reset(to: tally)
        for slot in saved["slots"]?.arrayValue ?? [] {
            guard let lineage = slot["lineage"]?.uint64Value, let window = slot["window"]?.intValue, let index = slot["index"]?.uint64Value,
                  let closes = slot["closes"]?.int64Value else { throw bad("slot") }
            var selections: [(TallyKey, Ciphertext<G>)] = []
            for item in slot["selections"]?.arrayValue ?? [] { selections.append(try storedTallyItem(item)) }
            openSlots[Slot(lineage: lineage, window: window)] = WindowSlot(window: window, closes: closes, countedIndex: index,
                                                                            selections: selections)
        }
        counters.restore(counted: saved["counted"]?.intValue ?? 0, superseded: saved["superseded"]?.intValue ?? 0,
                         lastWindow: saved["last_window"]?.intValue ?? 0)
        spoiledBallots = saved["spoiled"]?.intValue ?? 0
        for digest in saved["challenged"]?.arrayValue ?? [] {
            challengedRandomness.insert(Digest128(try Hex.decode(digest.stringValue ?? "", length: 16)))
        }
        for digest in saved["cast_randomness"]?.arrayValue ?? [] {
            castRandomness.insert(Digest128(try Hex.decode(digest.stringValue ?? "", length: 16)))
        }
        try restoreDevices(saved["devices"])
        ballotsSinceSweep = saved["since_sweep"]?.intValue ?? 0
        if let close = saved["close"]?.arrayValue {
            var items: [CloseItem] = []
            for item in close { let (key, ciphertext) = try storedTallyItem(item); items.append(CloseItem(key: key, ciphertext: ciphertext)) }
            closeItems = items
        }
        for (trustee, values) in saved["decryption_shares"]?.objectMembers ?? [] {
            decryptionShares[Int(trustee) ?? 0] = try storedElements(values)
        }
        resultSeen = saved["result_seen"]?.boolValue ?? false
        if let results = saved["result"]?.arrayValue {
            var outcomes: [ContestOutcome] = []
            for result in results {
                guard let outcome = ContestOutcome(json: result) else { throw bad("result") }
                outcomes.append(outcome)
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
