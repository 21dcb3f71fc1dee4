/// Joint decryption (§4.8): decryption shares (TAL-2) and the published result (TAL-3).
extension ElectionCore {
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
