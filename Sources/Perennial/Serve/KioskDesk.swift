import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// The node's side of a kiosk that sits elsewhere on the network (`perennial serve`): it answers by
/// public credential (the kiosk derives the credential key from the voter's code itself, so the
/// code never leaves the kiosk), and appends the ballots the kiosk signed.
///
/// A submission is **idempotent**: an envelope whose payload is already in the log (same SHA-256,
/// same author) is not appended again; its existing entry is returned. So a kiosk that lost the
/// reply can send the same signed ballot again and get the same entry back, never a second one.
///
/// Safe to share between tasks: every method runs under the node's lock.
public final class KioskDesk: @unchecked Sendable {
    public let node: Node

    /// `ballot.cast` and `ballot.spoil` entries by SHA-256 of their payload.
    private var byPayloadHash: [Data: UInt64] = [:]
    private var scannedThrough: UInt64 = 0

    public init(node: Node) throws {
        self.node = node
        try node.locked { try scan() }
    }

    /// What the kiosk needs to show a voter their open window and to build their ballot.
    public struct Voter: Sendable {
        public var birthday: Birthday
        public var window: VotingWindow
        public var lastDay: LocalDate
        public var contests: [ContestVersion]
        public var earlierBallot: Int?
    }

    /// What the kiosk needs to encrypt a ballot itself.
    public struct BallotContext: Sendable {
        public var group: String
        public var record: String
        public var term: String
        public var electionKey: String
    }

    /// The result of a submission: the entry, and whether it was already in the log.
    public struct Submission: Sendable {
        public var index: UInt64
        public var duplicate: Bool
        /// For a new `ballot.cast`: the earlier ballot of the same card in that window it replaces.
        public var replaced: Int?
    }

    public var termTitle: String { node.election?.setup?.title ?? "" }
    public var windowDays: Int { node.election?.setup?.windowDays ?? TermCalendar.defaultWindowDays }

    /// The ballot context, once voting has opened (the election key is known).
    public func ballotContext() throws(KioskRefusal) -> BallotContext {
        let found: BallotContext? = node.locked {
            guard let election = node.election, let setup = election.setup, let key = election.electionKeyHex else { return nil }
            return BallotContext(group: setup.group, record: node.origin, term: setup.term, electionKey: key)
        }
        guard let found else { throw KioskRefusal.notOpenYet(start: nil) }
        return found
    }

    // MARK: Lookup

    /// The voter whose credential (public key) this is, if their window is open now.
    /// - Throws: ``KioskRefusal`` only (the same refusals as the kiosk over a local node).
    public func lookUp(credential: [UInt8]) throws(KioskRefusal) -> Voter {
        let found = try node.kioskLookup(credential: Hex.encode(credential))
        return Voter(birthday: found.record.birthday, window: found.window, lastDay: found.lastDay, contests: found.contests,
                     earlierBallot: found.earlierBallot)
    }

    // MARK: Submissions

    /// Appends a `ballot.cast` (or, with `kind: .ballotSpoil`, a `ballot.spoil`) signed by the
    /// voter's credential, or returns the entry that already holds the same payload.
    /// - Throws: ``KioskDesk/Refused``; then nothing was written.
    public func submit(_ envelope: EntryEnvelope, kind: EntryKind) throws(Refused) -> Submission {
        do {
            return try node.locked {
                let header: PayloadHeader
                do { header = try PayloadHeader.parse(envelope.payload) } catch {
                    throw Refused(refusal: .technical, reason: "malformed")
                }
                guard header.kind == kind.rawValue else { throw Refused(refusal: .technical, reason: "wrong-kind") }
                // Checked before the resubmission lookup too: only the author's own signature gets a receipt.
                guard envelope.hasValidSignature else { throw Refused(refusal: .technical, reason: "bad-signature") }
                try node.catchUp()
                try scan()
                let hash = Data(SHA256.hash(envelope.payload))
                if let index = byPayloadHash[hash] {
                    let existing = try node.store.entry(at: index)
                    if existing.envelope.author == envelope.author { return Submission(index: index, duplicate: true) }
                }
                let replaced = kind == .ballotCast ? earlierBallot(of: envelope) : nil
                let entry: LogEntry
                do {
                    entry = try node.submit(envelope)
                } catch let error as ElectionError {
                    throw Refused(refusal: Self.refusal(error), reason: error.reason.rawValue)
                } catch let error as LogError {
                    throw Refused(refusal: .technical, reason: "log-\(error.code)")
                }
                try scan()
                return Submission(index: entry.index, duplicate: false, replaced: replaced)
            }
        } catch let refused as Refused {
            throw refused
        } catch let error as NodeError {
            throw Refused(refusal: .technical, reason: "node", detail: error.message)
        } catch {
            throw Refused(refusal: .technical, reason: "internal")
        }
    }

    /// A refusal: what the voter reads, and a short machine reason (for metrics and logs).
    public struct Refused: Error, Sendable {
        public var refusal: KioskRefusal
        public var reason: String
        public var detail: String?
        public init(refusal: KioskRefusal, reason: String, detail: String? = nil) {
            self.refusal = refusal; self.reason = reason; self.detail = detail
        }
    }

    /// Signs a checkpoint covering the log as it is and returns the receipt of entry `index`.
    public func receipt(index: UInt64, tracker: String?) throws -> Receipt {
        try node.locked {
            _ = try node.store.signCheckpoint()
            return try node.store.receipt(index: index, tracker: tracker)
        }
    }

    /// A refusal from the engine, as the voter should read it (as ``NodeKioskBackend`` maps them).
    public static func refusal(_ error: ElectionError) -> KioskRefusal {
        switch error.reason {
        case .outsideWindow, .wrongWindow: .windowJustClosed
        case .notEligible: .replaced
        case .unknownCredential: .notOnRoll
        case .closed: .closed
        case .noElectionKey: .notOpenYet(start: nil)
        case .staleContest, .contests: .contestsChanged
        default: .technical
        }
    }

    /// The counted ballot a new `ballot.cast` would replace (caller holds the node's lock).
    private func earlierBallot(of envelope: EntryEnvelope) -> Int? {
        guard let peek = try? JSONDecoder().decode(WindowPeek.self, from: Data(envelope.payload)),
              let record = try? node.rollRecord(Hex.encode(envelope.author)) else { return nil }
        return try? node.countedBallot(lineage: record.lineage, window: peek.window)
    }

    /// Reads the ballot entries appended since the last scan (caller holds the node's lock).
    private func scan() throws {
        let size = try node.store.size()
        guard scannedThrough < size else { return }
        let cast = Array(#"{"kind":"ballot.cast""#.utf8)
        let spoil = Array(#"{"kind":"ballot.spoil""#.utf8)
        try node.store.forEachEntry(in: scannedThrough..<size) { entry in
            let payload = entry.envelope.payload
            guard payload.starts(with: cast) || payload.starts(with: spoil) else { return }
            byPayloadHash[Data(SHA256.hash(payload))] = entry.index
        }
        scannedThrough = size
    }

    private struct WindowPeek: Decodable { let window: Int }
}
