import CivicCrypto
import Foundation

/// A voter's choice for one contest: the ids of the options selected.
public struct ContestChoice: Sendable, Equatable {
    public var contest: String
    public var selected: [String]
    public init(contest: String, selected: [String]) { self.contest = contest; self.selected = selected }
}

/// A ballot built at the kiosk, before the voter casts or challenges it.
///
/// - Important: ``openings`` hold the encryption randomness; they are secret unless the voter
///   challenges the ballot, and are wiped with the builder when the kiosk session ends.
public struct PreparedBallot: Sendable {
    /// The exact payload bytes to sign and append if the voter casts.
    public let payload: [UInt8]
    /// `SHA-256(payload)`, shown as the tracker code.
    public let tracker: [UInt8]
    public let window: Int
    /// The openings to reveal if the voter challenges.
    public let openings: [ContestOpening]

    /// The `ballot.spoil` payload revealing this ballot.
    public func spoilPayload(record: String, term: String) -> [UInt8] {
        BallotSpoil(window: window, ballot: Data(payload).base64EncodedString(), openings: openings)
            .payloadBytes(record: record, term: term)
    }

    /// The tracking code as a voter reads it and types it on the public page (SPEC §2.6).
    public var trackerCode: String { TrackingCode.code(forHash: tracker) }

    public static func trackerCode(_ tracker: [UInt8]) -> String { TrackingCode.code(forHash: tracker) }
}

/// Builds encrypted ballots with their proofs (`Audit/SPEC.md` §4.7).
public struct BallotBuilder<G: PrimeOrderGroup>: Sendable {
    public let group: G
    public let record: String
    public let term: String
    public let electionKey: G.Element

    public init(group: G, record: String, term: String, electionKey: G.Element) {
        self.group = group; self.record = record; self.term = term; self.electionKey = electionKey
    }

    /// Encrypts `choices` for the contests in force.
    /// - Parameters:
    ///   - credential: the key the proofs are bound to: the voter's credential for a ballot to cast,
    ///     the kiosk's device key for a challenged ballot (SPEC §4.7, BAL-8).
    ///   - randomness: the openings of an already prepared ballot whose ciphertexts to keep (a
    ///     challenge re-proves the very ciphertexts the voter saw, bound to the device); nil for fresh
    ///     randomness.
    /// - Throws: ``ElectionError`` when a choice is missing, names an unknown option, or selects too
    ///   few or too many options.
    public func build(contests: [ContestVersion], choices: [ContestChoice], credential: [UInt8], window: Int,
                      randomness: [ContestOpening]? = nil) throws -> PreparedBallot {
        let binding = ElectionState<G>.ballotBinding(credential: credential, window: window)
        var answers: [EncryptedContest] = []
        var openings: [ContestOpening] = []
        for (contestIndex, version) in contests.enumerated() {
            guard let choice = choices.first(where: { $0.contest == version.contest }) else {
                throw ElectionError(.contests, "No choice was given for contest \"\(version.contest)\".")
            }
            let ids = Set(version.options.map(\.id))
            if let unknown = choice.selected.first(where: { !ids.contains($0) }) {
                throw ElectionError(.contests, "Contest \"\(version.contest)\" has no option \"\(unknown)\".")
            }
            let chosen = Set(choice.selected)
            guard chosen.count == choice.selected.count, chosen.count >= version.min, chosen.count <= version.max else {
                throw ElectionError(.contests, "Contest \"\(version.contest)\" needs between \(version.min) and \(version.max) different choices.")
            }
            var selections: [EncryptedSelection] = []
            var opened: [SelectionOpening] = []
            var sumR = group.zeroScalar
            var sumA = group.identity, sumB = group.identity
            for (position, option) in version.options.enumerated() {
                let m = chosen.contains(option.id) ? 1 : 0
                let r: G.Scalar
                if let randomness {
                    guard contestIndex < randomness.count, position < randomness[contestIndex].selections.count,
                          randomness[contestIndex].contest == version.contest,
                          let reused = try? group.decodeScalar(hex: randomness[contestIndex].selections[position].r) else {
                        throw ElectionError(.contests, "The ballot to challenge does not match the contests in force.")
                    }
                    r = reused
                } else {
                    r = group.randomScalar()
                }
                let a = group.expGenerator(r)
                let b = group.op(group.exp(electionKey, r), group.elementForSmallInt(m))
                let context = ElectionState<G>.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: position)
                let (c, z) = ProofAdapter.proveRange(group, pk: electionKey, a: a, b: b, m: m, r: r, lo: 0, hi: 1,
                                                     disjunctive: true, context: context, binding: binding)
                selections.append(EncryptedSelection(a: group.hex(a), b: group.hex(b), c: c, r: z))
                opened.append(SelectionOpening(m: m, r: group.hex(r)))
                sumR = group.scalarAdd(sumR, r)
                sumA = group.op(sumA, a); sumB = group.op(sumB, b)
            }
            let context = ElectionState<G>.ballotContext(record: record, term: term, contest: version.contest, version: version.version, position: nil)
            let (c, z) = ProofAdapter.proveRange(group, pk: electionKey, a: sumA, b: sumB, m: chosen.count, r: sumR,
                                                 lo: version.min, hi: version.max, disjunctive: false, context: context, binding: binding)
            answers.append(EncryptedContest(contest: version.contest, version: version.version, selections: selections,
                                            range: RangeProofPayload(c: c, r: z)))
            openings.append(ContestOpening(contest: version.contest, selections: opened))
        }
        let payload = BallotCast(term: term, window: window, contests: answers).payloadBytes(record: record, term: term)
        return PreparedBallot(payload: payload, tracker: SHA256.hash(payload), window: window, openings: openings)
    }
}
