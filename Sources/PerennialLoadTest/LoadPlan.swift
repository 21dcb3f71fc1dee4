import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote

/// One submission a simulated kiosk makes, prepared before the timed run.
struct Submission: Sendable {
    enum Expect: String, Sendable { case cast, revote, invalid }
    let envelope: EntryEnvelope
    let expect: Expect
    let tracker: String
}

/// Builds each kiosk's submissions: a ballot per citizen, a revote for every `revoteEvery`-th
/// citizen (after its first ballot), and, every `invalidEvery`-th citizen, an invalid ballot: one
/// citizen's ballot signed again by another citizen's credential (its proofs are bound to the first:
/// refused as a bad proof), or a ballot whose signature was tampered with.
enum LoadPlan {
    static func build(server: URL, fixture: LoadFixture, kiosks: Int, perKiosk: Int, revoteEvery: Int, invalidEvery: Int,
                      term: String) throws -> [[Submission]] {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var plan: [[Submission]]
            var failure: (any Error)?
            init(_ kiosks: Int) { plan = Array(repeating: [], count: kiosks) }
        }
        let shared = Shared(kiosks)
        DispatchQueue.concurrentPerform(iterations: kiosks) { k in
            do {
                let client = KioskClient(server: server, device: fixture.deviceKeys[k])
                var list: [Submission] = []
                for j in 0..<perKiosk {
                    let c = k * perKiosk + j
                    let code = fixture.codes[c]
                    let key = CredentialKey.signingKey(for: try CredentialCode(parsing: code), term: term)
                    let credential = key.publicKey.rawRepresentation
                    let voter = try client.post(KioskAPI.Path.voter, VoterRequest(credential: Hex.encode(credential)), as: VoterInfo.self)
                    func ballot(_ choice: Int) throws -> PreparedBallot {
                        let choices = voter.contests.map { ContestChoice(contest: $0.contest, selected: [$0.options[choice % $0.options.count].id]) }
                        return try RemoteKioskBackend.prepare(voter, choices: choices, credential: credential)
                    }
                    let first = try ballot(c)
                    list.append(Submission(envelope: try sign(first.payload, key), expect: .cast, tracker: Hex.encode(first.tracker)))
                    if c % revoteEvery == revoteEvery - 1 {
                        let second = try ballot(c + 1)
                        list.append(Submission(envelope: try sign(second.payload, key), expect: .revote, tracker: Hex.encode(second.tracker)))
                    }
                    if c % invalidEvery == invalidEvery - 1 {
                        let other = CredentialKey.signingKey(for: try CredentialCode(parsing: fixture.codes[(c + 1) % fixture.codes.count]),
                                                             term: term)
                        let invalid: EntryEnvelope
                        if (c / invalidEvery) % 2 == 0 {
                            invalid = try sign(first.payload, other)   // proofs bound to another credential
                        } else {
                            let good = try sign(first.payload, key)
                            var signature = good.signature
                            signature[0] ^= 1
                            invalid = try EntryEnvelope(payload: good.payload, author: good.author, signature: signature)
                        }
                        list.append(Submission(envelope: invalid, expect: .invalid, tracker: ""))
                    }
                }
                shared.lock.withLock { shared.plan[k] = list }
            } catch {
                shared.lock.withLock { shared.failure = error }
            }
        }
        if let failure = shared.failure { throw failure }
        return shared.plan
    }

    static func sign(_ payload: [UInt8], _ key: Ed25519.SigningKey) throws -> EntryEnvelope {
        try EntryEnvelope(payload: payload, author: key.publicKey.rawRepresentation,
                          signature: key.signature(for: EntryEnvelope.signingInput(payload: payload)))
    }
}
