import CivicCrypto
import CivicLog
import Foundation

/// Joint decryption (SPEC §3.6, §4.8): trustees' decryption shares and the published result.
extension ElectionState {
    /// Context of the decryption proof for item `item` (SPEC §4.8).
    public static func decryptionContext(record: String, term: String, item: Int) -> [UInt8] {
        Bytes.lp("perennial-decryption-v1") + Bytes.lp(record) + Bytes.lp(term) + Bytes.u32(item)
    }

    mutating func applyTallyShare(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try TallyShare.decode(entry.payload)
        try requireTrustee(entry, index: payload.trustee)
        guard let close else {
            throw ElectionError(.sealed, "Results are sealed: decryption shares are accepted only after the term is closed.")
        }
        guard partials[payload.trustee] == nil else { throw ElectionError(.tally, "Trustee \(payload.trustee) already published its shares.") }
        guard payload.shares.count == close.tally.count else {
            throw ElectionError(.tally, "One decryption share is needed per tally item (\(close.tally.count)).")
        }
        // The term closed with an election key, which needs every trustee's confirmed verification key.
        guard let key = verificationKeys[payload.trustee] else {
            throw ElectionError(.ceremony, "Trustee \(payload.trustee) never confirmed a verification key in the ceremony.")
        }
        var decrypted: [G.Element] = []
        for (position, (share, item)) in zip(payload.shares, close.tally).enumerated() {
            guard let decryptedShare = try? group.decodeElement(hex: share.d), let alpha = try? group.decodeElement(hex: item.a) else {
                throw ElectionError(.badProof, "Decryption share \(position) is not a valid group element.")
            }
            let context = Self.decryptionContext(record: record, term: setup.term, item: position)
            guard !verifyProofs || ProofAdapter.verifyChaumPedersen(group, x: key, h: alpha, y: decryptedShare, proof: ProofCR(c: share.c, r: share.r),
                                                   context: context, binding: Bytes.u32(payload.trustee)) else {
                throw ElectionError(.badProof, "The proof of decryption share \(position) of trustee \(payload.trustee) does not verify.")
            }
            decrypted.append(decryptedShare)
        }
        partials[payload.trustee] = decrypted
        return .share
    }

    /// Combines the partial decryptions of `trustees` and solves each count (SPEC §3.6, §4.8).
    public func computeResult(trustees: [Int], solver: (G.Element) -> Int?) throws -> TallyResult {
        guard let close, let setup else { throw ElectionError(.notClosed, "The term is not closed yet.") }
        let trusteePartials = trustees.compactMap { partials[$0] }
        guard trustees.count >= setup.trustees.t, trustees == trustees.sorted(), Set(trustees).count == trustees.count,
              trusteePartials.count == trustees.count else {
            throw ElectionError(.tally, "At least t = \(setup.trustees.t) distinct trustees who published shares are needed, in increasing order.")
        }
        let lambdas = try trustees.map { try ProofAdapter.lagrange(group, index: $0, subset: trustees) }
        var counts: [Int] = []
        for (i, item) in close.tally.enumerated() {
            let beta = try group.decodeElement(hex: item.b)
            var combined = group.identity
            for (shares, lambda) in zip(trusteePartials, lambdas) { combined = group.op(combined, group.expPublic(shares[i], lambda)) }
            let power = group.divide(beta, combined)
            guard let count = solver(power) else {
                throw ElectionError(.tally, "A count could not be recovered (item \(i)): the shares do not decrypt to a count of at most the number of ballots.")
            }
            counts.append(count)
        }
        var results: [ContestResult] = []
        var i = 0
        while i < close.tally.count {
            let first = close.tally[i]
            var options: [OptionResult] = []
            while i < close.tally.count, close.tally[i].contest == first.contest, close.tally[i].year == first.year {
                let item = close.tally[i]
                let latest = contests.current(item.contest)
                let withdrawn = !(latest?.options.contains { $0.id == item.option } ?? false)
                options.append(OptionResult(id: item.option, label: contests.label(contest: item.contest, option: item.option),
                                            count: counts[i], withdrawn: withdrawn))
                i += 1
            }
            let eligible = options.filter { $0.id != ContestOption.blankID && !$0.withdrawn }
            // Winners in option order; none when no eligible option got a vote (SPEC §4.8).
            let top = eligible.map(\.count).max() ?? 0
            let winners = top == 0 ? [] : eligible.filter { $0.count == top }.map(\.id)
            results.append(ContestResult(contest: first.contest, year: first.year, options: options, winners: winners, tie: winners.count > 1))
        }
        return TallyResult(trustees: trustees, results: results)
    }

    mutating func applyResult(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try TallyResult.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        let solver = try? DiscreteLogSolver(group: group, max: Swift.max(countedBallots, 1))
        let expected = try computeResult(trustees: payload.trustees) { gm in try? solver?.solve(gm) }
        guard expected == payload else { throw ElectionError(.tally, "The published result does not match the decrypted tally.") }
        result = payload
        return .result
    }
}
