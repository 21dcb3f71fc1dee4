import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

/// The kiosk's engine over a local node (`--data DIR`): it reads the election projected from the
/// log, appends ballots through ``Node/submit(payload:signer:)`` (refusals write nothing),
/// and writes receipt files.
///
/// For the "your earlier ballot is replaced" notice it asks the node which ballot is counted for the
/// voter's window (``Node/countedBallot(lineage:window:)``); it never scans the log.
public final class NodeKioskBackend: KioskBackend {
    public let node: Node
    /// The spool directory of the receipt printer: receipts go there as JSON and printouts (created on
    /// first use; never shown to the voter).
    public let receiptsDirectory: URL
    /// The kiosk's enrolled device key (SPEC §4.9): it signs challenged ballots.
    let deviceKey: Ed25519.SigningKey
    /// Where citizens check a tracking code (printed on receipts), or nil for the default wording.
    public var checkAddress: String?
    /// The term's title in English (`perennial-kiosk --term-title-en`), for English screens.
    public var termTitleEnglish: String?

    /// - Parameter deviceKey: the kiosk's device key, enrolled in the log (`perennial kiosk enrol`).
    public init(node: Node, deviceKey: Ed25519.SigningKey, receiptsDirectory: URL? = nil) {
        self.node = node
        self.deviceKey = deviceKey
        self.receiptsDirectory = receiptsDirectory ?? node.directory.appendingPathComponent("receipts", isDirectory: true)
    }

    public var termTitle: String { node.election?.setup?.title ?? "" }
    public var windowDays: Int { node.election?.setup?.windowDays ?? TermCalendar.defaultWindowDays }

    var now: Date { Date(timeIntervalSince1970: Double(node.clock.nowMilliseconds()) / 1000) }

    // MARK: Identify

    public func identify(_ code: CredentialCode) throws -> KioskVoter {
        guard let setup = node.election?.setup else { throw NodeError.kiosk(.technical) }
        let key = CredentialKey.signingKey(for: code, term: setup.term)
        let found = try node.kioskLookup(credential: Hex.encode(key.publicKey.rawRepresentation))
        return KioskVoter(signingKey: key, birthday: found.record.birthday, window: found.window, lastDay: found.lastDay,
                          contests: found.contests, earlierBallot: found.earlierBallot, lineage: found.record.lineage)
    }

    // MARK: Ballots

    public func prepare(for voter: KioskVoter, choices: [ContestChoice]) throws -> PreparedBallot {
        guard let election = node.election else { throw NodeError.kiosk(.technical) }
        do {
            return try election.prepareBallot(choices: choices, credential: voter.credential, window: voter.window.number)
        } catch {
            throw KioskDesk.refused(error)
        }
    }

    public func cast(_ ballot: PreparedBallot, by voter: KioskVoter) throws -> CastReport {
        let entry: LogEntry
        // The same card may have voted at another kiosk since this voter was identified.
        // (The node catches up with other processes' entries before answering.)
        let replaced = voter.lineage.flatMap { try? node.countedBallot(lineage: $0, window: voter.window.number) } ?? voter.earlierBallot
        do {
            entry = try node.submit(payload: ballot.payload, signer: voter.signingKey)
        } catch {
            throw KioskDesk.refused(error)
        }
        // From here on the vote is recorded: problems only cost the receipt, never the vote.
        let trackerHex = Hex.encode(ballot.tracker)
        var report = CastReport(trackerCode: ballot.trackerCode, tracker: trackerHex, index: entry.index, checkpointSize: 0,
                                checkpointRoot: "", receiptFile: nil, replaced: replaced)
        if let checkpoint = try? node.store.signCheckpoint() {
            report.checkpointSize = checkpoint.size
            report.checkpointRoot = checkpoint.rootHash.hex
        }
        if let receipt = try? node.store.receipt(index: entry.index, tracker: trackerHex) {
            report.checkpointSize = receipt.checkpoint.size
            report.checkpointRoot = receipt.checkpoint.rootHash.hex
            report.receiptFile = try? writeReceipt(receipt, trackerHex: trackerHex, trackingCode: ballot.trackerCode)
        }
        return report
    }

    public func challenge(_ ballot: PreparedBallot, choices: [ContestChoice], by voter: KioskVoter) throws -> ChallengeReport {
        guard let election = node.election, let setup = election.setup else { throw NodeError.kiosk(.technical) }
        let entry: LogEntry
        let challenged: PreparedBallot
        do {
            challenged = try election.prepareChallenge(of: ballot, choices: choices, device: deviceKey.publicKey.rawRepresentation)
            entry = try node.submit(payload: challenged.spoilPayload(record: node.origin, term: setup.term), signer: deviceKey)
        } catch {
            throw KioskDesk.refused(error)
        }
        return ChallengeReport(opened: ballot, challenged: challenged, voter: voter, index: entry.index)
    }

    /// Writes the receipt to the spool directory for the receipt printer (``ReceiptSpool``). Returns the JSON file.
    func writeReceipt(_ receipt: Receipt, trackerHex: String, trackingCode: String) throws -> URL {
        try ReceiptSpool(directory: receiptsDirectory, termTitle: termTitle, checkAddress: checkAddress).write(receipt, trackingCode: trackingCode)
    }
}
