/// Joint decryption (§4.8): decryption shares (TAL-2) and the published result (TAL-3).
extension ElectionCore {
    func decryptionContext(_ item: Int) -> [UInt8] {
        Bytes.lp(Array("perennial-decryption-v1".utf8)) + Bytes.lp(Array(record.utf8)) + Bytes.lp(Array(setup.term.utf8)) + u32(item)
    }

    func tallyShare(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["trustee", "shares"])
            let trustee = try fields.count("trustee")
            guard let items = closeItems else { throw .malformed("a decryption share before term.close") }
            guard decryptionShares[trustee] == nil else { throw .malformed("trustee \(trustee) already published decryption shares") }
            guard let verificationKey = verificationKeys[trustee] else { throw .malformed("trustee \(trustee) has no verification key") }
            let shares = try fields.array("shares")
            guard shares.count == items.count else { throw .malformed("one share per term.close item is needed (\(items.count))") }
            var shareElements: [G.Element] = []
            var proofs: [CompactProof<G>] = []
            for share in shares {
                let shareFields = try Fields.object(share, "decryption share")
                try shareFields.finish(["d", "c", "r"], withTerm: false)
                shareElements.append(try element(try shareFields.value("d"), "d"))
                proofs.append(try CompactProof(json: share, group: group))
            }
            decryptionShares[trustee] = shareElements
            let group = self.group
            let sharedElements = shareElements, shareProofs = proofs
            let alphas = items.map(\.ciphertext.alpha)
            let contexts = items.indices.map { decryptionContext($0) }
            return [ProofJob(.tallyShares, loc) {
                for item in 0..<sharedElements.count {
                    let binding = ProofBinding(context: contexts[item], binding: Bytes.u32be(UInt32(trustee)))
                    if let failure = ProofVerifier.chaumPedersen(group, X: verificationKey, h: alphas[item], Y: sharedElements[item], proof: shareProofs[item], binding: binding) {
                        return "item \(item): \(failure)"
                    }
                }
                return nil
            }]
        } catch {
            report.record(.tallyShares, loc, failure: error.message)
            return []
        }
    }

    func tallyResult(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) -> [ProofJob] {
        let loc = Location.entry(entry.index)
        do throws(AuditError) {
            try fields.finish(["trustees", "results"])
            guard !resultSeen else { throw .malformed("a second tally.result") }
            resultSeen = true
            guard let items = closeItems else { throw .malformed("a result before term.close") }
            var trustees: [UInt64] = []
            for listed in try fields.array("trustees") {
                guard let index = listed.uint64Value, index >= 1, index <= UInt64(setup.n) else { throw .malformed("trustees must be indices 1…\(setup.n)") }
                trustees.append(index)
            }
            guard trustees.count >= setup.t else { throw .malformed("at least t = \(setup.t) trustees must decrypt") }
            guard zip(trustees, trustees.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .malformed("trustees must be listed in increasing order") }
            var shares: [[G.Element]] = []
            for trustee in trustees {
                guard let trusteeShares = decryptionShares[Int(trustee)] else { throw .malformed("trustee \(trustee) has no tally.share") }
                shares.append(trusteeShares)
            }
            // Expected groups: (contest, year) in term.close order, each with its options in order.
            var groups: [(contest: String, year: Int?, items: [Int])] = []
            for (item, it) in items.enumerated() {
                if let last = groups.last, last.contest == it.key.contest, last.year == it.key.year {
                    groups[groups.count - 1].items.append(item)
                } else {
                    groups.append((it.key.contest, it.key.year, [item]))
                }
            }
            let results = try fields.array("results")
            guard results.count == groups.count else { throw .malformed("\(results.count) results for \(groups.count) (contest, year) groups") }
            var counts = [UInt64](repeating: 0, count: items.count)
            var outcomes: [ContestOutcome] = []
            for (result, resultGroup) in zip(results, groups) {
                let resultFields = try Fields.object(result, "result")
                try resultFields.finish(["contest", "year", "options", "winners", "tie"], withTerm: false)
                guard try resultFields.string("contest") == resultGroup.contest, try resultFields.optionalCount("year") == resultGroup.year else {
                    throw .malformed("results must follow term.close order (expected \(resultGroup.contest) year \(resultGroup.year.map(String.init) ?? "null"))")
                }
                let optionValues = try resultFields.array("options")
                guard optionValues.count == resultGroup.items.count else { throw .malformed("result \(resultGroup.contest): one entry per option is needed") }
                let latest = contests[resultGroup.contest]?.last
                var eligible: [(String, UInt64)] = []
                for (option, item) in zip(optionValues, resultGroup.items) {
                    let optionFields = try Fields.object(option, "result option")
                    try optionFields.finish(["id", "label", "count", "withdrawn"], withTerm: false)
                    let id = try optionFields.string("id")
                    guard id == items[item].key.option else { throw .malformed("result \(resultGroup.contest): option \(id) out of order") }
                    let label = contests[resultGroup.contest]?.last(where: { $0.options.contains { $0.id == id } })?.options.first { $0.id == id }?.label
                    guard try optionFields.string("label") == label else { throw .malformed("option \(id): the label must be that of the latest version containing it") }
                    let withdrawn = !(latest?.options.contains { $0.id == id } ?? false)
                    guard try optionFields.bool("withdrawn") == withdrawn else { throw .malformed("option \(id): withdrawn must be \(withdrawn)") }
                    guard let count = try optionFields.value("count").uint64Value else { throw .malformed("option \(id): count must be an integer") }
                    counts[item] = count
                    if id != "blank" && !withdrawn { eligible.append((id, count)) }
                }
                // Winners: the eligible options with the highest count, in the options' order; none
                // when no eligible option received a vote (or there is no eligible option).
                let top = eligible.map(\.1).max() ?? 0
                let winners = top == 0 ? [] : eligible.filter { $0.1 == top }.map(\.0)
                var given: [String] = []
                for winner in try resultFields.array("winners") {
                    guard let trusteeShares = winner.stringValue else { throw .malformed("winners must be option ids") }
                    given.append(trusteeShares)
                }
                let yearText = resultGroup.year.map { " year \($0)" } ?? ""
                guard given == winners else {
                    throw .malformed("result \(resultGroup.contest)\(yearText): winners must be \(winners) (in the options' order)")
                }
                let tie = try resultFields.bool("tie")
                guard tie == (winners.count > 1) else { throw .malformed("result \(resultGroup.contest)\(yearText): tie must be \(winners.count > 1)") }
                outcomes.append(ContestOutcome(
                    contest: resultGroup.contest, year: resultGroup.year,
                    options: zip(optionValues, resultGroup.items).map { option, item in
                        ContestOutcome.Option(id: items[item].key.option, label: option["label"]?.stringValue ?? "", count: counts[item],
                                              withdrawn: option["withdrawn"]?.boolValue ?? false)
                    },
                    winners: winners, tie: tie))
            }
            publishedResult = outcomes
            // Decryption: g^count = β / Π_j d_j^(λ_j) for every item, on a worker.
            let group = self.group
            let betas = items.map(\.ciphertext.beta)
            let cTrustees = trustees, cShares = shares, cCounts = counts
            return [ProofJob(.tallyResult, loc) {
                for item in 0..<betas.count {
                    guard let alphaS = Threshold.combine(group, shares: zip(cTrustees, cShares).map { ($0, $1[item]) }) else {
                        return "the trustee indices do not give Lagrange coefficients"
                    }
                    guard group.expG(group.scalar(cCounts[item])) == group.div(betas[item], alphaS) else {
                        return "item \(item): the published count \(cCounts[item]) is not the decryption of the tally"
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
