import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore

/// The kiosk's engine over the network (`perennial-kiosk --server URL`): the same screens as over a
/// local node, with the node behind `perennial serve`.
///
/// The credential code never leaves the kiosk: the kiosk derives the credential key, sends only its
/// public half to look the voter up, encrypts the ballot itself (with the election key the server
/// returns) and signs it with the credential key; the server appends the signed entry. Receipts are
/// written on the kiosk, as with `--data`.
public final class RemoteKioskBackend: KioskBackend {
    public let client: KioskClient
    /// The kiosk's enrolled device key: signs its requests (through ``client``) and challenged ballots.
    let deviceKey: Ed25519.SigningKey
    public let info: TermInfo
    public let receiptsDirectory: URL
    /// Where citizens check a tracking code (printed on receipts), or nil for the default wording.
    public var checkAddress: String?
    /// The term's title in English (`--term-title-en`), for the English screens.
    public var termTitleEnglish: String?
    /// The voter being served (what the server said about their window and ballot context).
    private var current: (credential: [UInt8], info: VoterInfo)?

    /// Connects: fetches the term (which also proves the device is accepted).
    /// - Throws: ``KioskClient/Failure`` if the server cannot be reached or refuses the device.
    public init(client: KioskClient, deviceKey: Ed25519.SigningKey, receiptsDirectory: URL) throws(KioskClient.Failure) {
        self.client = client
        self.deviceKey = deviceKey
        self.receiptsDirectory = receiptsDirectory
        info = try client.get(KioskAPI.Path.term, as: TermInfo.self)
    }

    public var termTitle: String { info.title }
    public var windowDays: Int { info.windowDays }

    private func refusal(_ failure: KioskClient.Failure) -> KioskRefusal {
        if case .refused(let wire) = failure { return wire.kioskRefusal }
        return .technical
    }

    public func identify(_ code: CredentialCode) throws -> KioskVoter {
        let key = CredentialKey.signingKey(for: code, term: info.term)
        let credential = key.publicKey.rawRepresentation
        let voter: VoterInfo
        do {
            voter = try client.post(KioskAPI.Path.voter, VoterRequest(credential: Hex.encode(credential)), as: VoterInfo.self)
        } catch {
            throw NodeError.kiosk(refusal(error))
        }
        current = (credential, voter)
        return KioskVoter(signingKey: key, birthday: voter.birthday, window: voter.window, lastDay: voter.lastDay,
                          contests: voter.contests.map(\.contestVersion), earlierBallot: voter.earlierBallot)
    }

    public func prepare(for voter: KioskVoter, choices: [ContestChoice]) throws -> PreparedBallot {
        guard let current, current.credential == voter.credential else { throw NodeError.kiosk(.technical) }
        do {
            return try Self.prepare(current.info, choices: choices, credential: voter.credential)
        } catch {
            throw KioskDesk.refused(error)
        }
    }

    /// Encrypts a ballot for the window and contests the server returned.
    /// - Parameter randomness: the openings of a prepared ballot, to re-prove its very ciphertexts
    ///   bound to another key (a challenge, bound to the device); nil for a fresh ballot.
    public static func prepare(_ info: VoterInfo, choices: [ContestChoice], credential: [UInt8],
                               randomness: [ContestOpening]? = nil) throws -> PreparedBallot {
        try GroupName.named(info.group).accept(Builder(info: info, choices: choices, credential: credential, randomness: randomness))
    }

    private struct Builder: GroupVisitor {
        let info: VoterInfo
        let choices: [ContestChoice]
        let credential: [UInt8]
        let randomness: [ContestOpening]?
        func visit<G: PrimeOrderGroup>(_ group: G) throws -> PreparedBallot {
            let builder = BallotBuilder(group: group, record: info.record, term: info.term,
                                        electionKey: try group.decodeElement(hex: info.electionKey))
            return try builder.build(contests: info.contests.map(\.contestVersion), choices: choices, credential: credential,
                                     window: info.window.number, randomness: randomness)
        }
    }

    /// The envelope of `payload` signed by `key`.
    static func envelope(_ payload: [UInt8], by key: Ed25519.SigningKey) throws -> EntryEnvelope {
        try EntryEnvelope(payload: payload, author: key.publicKey.rawRepresentation,
                          signature: key.signature(for: EntryEnvelope.signingInput(payload: payload)))
    }

    public func cast(_ ballot: PreparedBallot, by voter: KioskVoter) throws -> CastReport {
        let answer: CastReceipt
        do {
            let envelope = try Self.envelope(ballot.payload, by: voter.signingKey)
            answer = try client.post(KioskAPI.Path.ballots, EnvelopeWire(envelope), as: CastReceipt.self)
        } catch let failure as KioskClient.Failure {
            throw NodeError.kiosk(refusal(failure))
        } catch {
            throw NodeError.kiosk(.technical)
        }
        // From here on the vote is recorded: problems only cost the receipt, never the vote.
        let trackerHex = Hex.encode(ballot.tracker)
        var report = CastReport(trackerCode: ballot.trackerCode, tracker: trackerHex, index: answer.index, checkpointSize: 0,
                                checkpointRoot: "", receiptFile: nil, replaced: answer.replaced ?? voter.earlierBallot)
        if let receipt = try? Receipt.parse(json: answer.receipt), receipt.index == answer.index, receipt.tracker == trackerHex,
           Hex.encode(receipt.logKey) == info.logKey,
           (try? receipt.verify()) != nil {
            report.checkpointSize = receipt.checkpoint.size
            report.checkpointRoot = receipt.checkpoint.rootHash.hex
            report.receiptFile = try? ReceiptSpool(directory: receiptsDirectory, termTitle: info.title, checkAddress: checkAddress)
                .write(receipt, trackingCode: ballot.trackerCode)
        }
        current = nil
        return report
    }

    public func challenge(_ ballot: PreparedBallot, choices: [ContestChoice], by voter: KioskVoter) throws -> ChallengeReport {
        guard let current, current.credential == voter.credential else { throw NodeError.kiosk(.technical) }
        let answer: ChallengeReceipt
        let challenged: PreparedBallot
        do {
            // The very ciphertexts the voter saw, their proofs bound to this device, signed by it (SPEC §4.7).
            challenged = try Self.prepare(current.info, choices: choices, credential: deviceKey.publicKey.rawRepresentation,
                                          randomness: ballot.openings)
            let envelope = try Self.envelope(challenged.spoilPayload(record: info.record, term: info.term), by: deviceKey)
            answer = try client.post(KioskAPI.Path.challenges, EnvelopeWire(envelope), as: ChallengeReceipt.self)
        } catch let failure as KioskClient.Failure {
            throw NodeError.kiosk(refusal(failure))
        } catch {
            throw KioskDesk.refused(error)
        }
        return ChallengeReport(opened: ballot, challenged: challenged, voter: voter, index: answer.index)
    }
}
