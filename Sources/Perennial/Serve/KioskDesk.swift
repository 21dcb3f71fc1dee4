import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// The node's side of a kiosk that sits elsewhere on the network (`perennial serve`): it answers by
/// public credential (the kiosk derives the credential key from the voter's code itself, so the
/// code never leaves the kiosk), and appends the ballots the kiosk signed.
///
/// A submission is **idempotent**: an envelope whose payload is already in the log (same SHA-256,
/// same author, found in the node's rows of every ballot seen) is not appended again; its existing
/// entry is returned. So a kiosk that lost the reply can send the same signed ballot again and get
/// the same entry back, never a second one.
///
/// Safe to share between tasks: every method runs under the node's lock.
public final class KioskDesk: @unchecked Sendable {
    public let node: Node

    /// Opens at once: resubmissions are answered from the node's rows (`election_seen`), never by
    /// reading the log.
    public init(node: Node) {
        self.node = node
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
    public func ballotContext() throws(NodeError) -> BallotContext {
        let found: BallotContext? = node.locked {
            guard let election = node.election, let setup = election.setup, let key = election.electionKeyHex else { return nil }
            return BallotContext(group: setup.group, record: node.origin, term: setup.term, electionKey: key)
        }
        guard let found else { throw .kiosk(.notOpenYet(start: nil)) }
        return found
    }

    // MARK: Lookup

    /// The voter whose credential (public key) this is, if their window is open now.
    /// - Throws: ``NodeError`` (`.kiosk`) only (the same refusals as the kiosk over a local node).
    public func lookUp(credential: [UInt8]) throws(NodeError) -> Voter {
        let found = try node.kioskLookup(credential: Hex.encode(credential))
        return Voter(birthday: found.record.birthday, window: found.window, lastDay: found.lastDay, contests: found.contests,
                     earlierBallot: found.earlierBallot)
    }

    // MARK: Submissions

    /// One envelope to append: a `ballot.cast` signed by the voter's credential, or a `ballot.spoil`
    /// signed by the kiosk's device key.
    public struct Request: Sendable {
        public var envelope: EntryEnvelope
        public var kind: EntryKind
        public init(_ envelope: EntryEnvelope, kind: EntryKind) { self.envelope = envelope; self.kind = kind }
    }

    /// Appends a `ballot.cast` (or, with `kind: .ballotSpoil`, a `ballot.spoil`) signed by the
    /// voter's credential, or returns the entry that already holds the same payload.
    /// - Throws: ``NodeError`` (`.kiosk`); then nothing was written.
    public func submit(_ envelope: EntryEnvelope, kind: EntryKind) throws(NodeError) -> Submission {
        try submit(group: [Request(envelope, kind: kind)])[0].get()
    }

    /// Appends a group of submissions in ONE log transaction (one fsync), with the semantics of
    /// submitting them one by one in this order (group commit, see ``GroupCommit``):
    /// - each gets its own answer: its entry, or its own refusal (if the group is refused, its members
    ///   are appended one at a time, so only the bad one is refused);
    /// - a payload already in the log (same SHA-256, same author) answers its existing entry, and two
    ///   identical ones in the group become one entry that both answer;
    /// - entries are appended in the group's order; nothing is answered before it is durable.
    ///
    /// Then one checkpoint covering the group is signed, so that every member's receipt is ready.
    public func submit(group requests: [Request]) -> [Result<Submission, NodeError>] {
        var results = requests.map { request -> Result<Submission, NodeError>? in
            Self.precheck(request).map { .failure($0) }
        }
        do {
            try node.locked {
                try node.catchUp()
                var fresh: [Int] = []               // positions to append, in order
                var holder: [[UInt8]: Int] = [:]    // payload hash → position that appends it
                var aliases: [(Int, Int)] = []      // (position, the earlier identical one in this group)
                // Members the node will surely refuse (a payload it has seen from another author: a
                // replay) are sent on their own: a refused group costs a rollback and a rebuild of
                // memory, a lone refused entry neither. They would not be in the log either way.
                var alone: [Int] = []
                for i in requests.indices where results[i] == nil {
                    let envelope = requests[i].envelope
                    let hash = SHA256.hash(envelope.payload)
                    if let index = try node.ballotEntry(payloadHash: hash) {
                        if try isResubmission(index: index, hash: hash, author: envelope.author) {
                            results[i] = .success(Submission(index: index, duplicate: true))
                        } else {
                            alone.append(i)
                        }
                    } else if let first = holder[hash], requests[first].envelope.author == envelope.author {
                        aliases.append((i, first))
                    } else {
                        if holder[hash] == nil { holder[hash] = i }
                        fresh.append(i)
                    }
                }
                if fresh.count > 0 {
                    let replaced = earlierBallots(fresh.map { requests[$0] })
                    do {
                        let entries = try node.submit(batch: fresh.map { requests[$0].envelope })
                        for (k, i) in fresh.enumerated() {
                            let earlier = replaced[k].map { $0 >= 0 ? $0 : Int(entries[-$0 - 1].index) }
                            results[i] = .success(Submission(index: entries[k].index, duplicate: false, replaced: earlier))
                        }
                    } catch where fresh.count > 1 {
                        // One member (at least) is refused: each on its own, so only it is.
                        for i in fresh { results[i] = submitAlone(requests[i]) }
                    } catch {
                        results[fresh[0]] = .failure(Self.refused(error))
                    }
                }
                for i in alone { results[i] = submitAlone(requests[i]) }
                for (i, first) in aliases {
                    results[i] = results[first]!.map { Submission(index: $0.index, duplicate: true) }
                }
                if results.contains(where: { (try? $0?.get())?.duplicate == false }) {
                    _ = try node.store.signCheckpoint()
                }
            }
        } catch {
            let refused = Self.refused(error)
            return results.map { $0 ?? .failure(refused) }
        }
        return results.map { $0! }
    }

    /// Appends one request in its own transaction (a member of a refused group).
    /// Caller holds the node's lock.
    private func submitAlone(_ request: Request) -> Result<Submission, NodeError> {
        let replaced = earlierBallots([request])[0]
        do {
            let entry = try node.submit(request.envelope)
            return .success(Submission(index: entry.index, duplicate: false, replaced: replaced))
        } catch {
            return .failure(Self.refused(error))
        }
    }

    /// The checks that need no state: the payload parses, is of the route's kind, and its author
    /// signed it (checked before the resubmission lookup too: only the author's own signature gets a receipt).
    private static func precheck(_ request: Request) -> NodeError? {
        let header: PayloadHeader
        do { header = try PayloadHeader.parse(request.envelope.payload) } catch {
            return .kiosk(.technical, reason: "malformed")
        }
        guard header.kind == request.kind.rawValue else { return .kiosk(.technical, reason: "wrong-kind") }
        guard request.envelope.hasValidSignature else { return .kiosk(.technical, reason: "bad-signature") }
        return nil
    }

    /// Whether entry `index` (found in the node's rows by payload hash, not by reading the log: the
    /// server starts in constant time however long the log) holds this very payload from this author.
    /// The row may name the `ballot.spoil` that carried the ballot: then it is not a resubmission.
    /// Caller holds the node's lock.
    private func isResubmission(index: UInt64, hash: [UInt8], author: [UInt8]) throws -> Bool {
        let existing = try node.store.entry(at: index)
        return existing.envelope.author == author && SHA256.hash(existing.envelope.payload) == hash
    }

    /// For each request, the counted ballot a new `ballot.cast` would replace, as an entry index
    /// (>= 0) or, for an earlier member of the same group, `-(its position + 1)`. Caller holds the node's lock.
    private func earlierBallots(_ requests: [Request]) -> [Int?] {
        var latest: [String: Int] = [:]   // slot → position in the group of its latest ballot
        return requests.enumerated().map { k, request in
            guard request.kind == .ballotCast,
                  let peek = try? JSONDecoder().decode(WindowPeek.self, from: Data(request.envelope.payload)),
                  let record = try? node.rollRecord(Hex.encode(request.envelope.author)) else { return nil }
            let slot = Roll.ballotSlot(lineage: record.lineage, window: peek.window)
            defer { latest[slot] = k }
            if let earlier = latest[slot] { return -earlier - 1 }
            return try? node.countedBallot(lineage: record.lineage, window: peek.window)
        }
    }

    /// An engine or storage error, as the kiosk reads it (``NodeError/kiosk(_:reason:detail:)``): the
    /// one mapping of the desk and of both kiosk backends.
    public static func refused(_ error: any Error) -> NodeError {
        switch error {
        case let error as NodeError where error.reason == .kiosk: error
        case let error as ElectionError: .kiosk(refusal(error), reason: error.reason.rawValue)
        case let error as LogError: .kiosk(.technical, reason: "log-\(error.code)")
        case let error as NodeError: .kiosk(.technical, reason: "node", detail: error.message)
        default: .kiosk(.technical, reason: "internal")
        }
    }

    /// Signs a checkpoint covering the log as it is and returns the receipt of entry `index`.
    public func receipt(index: UInt64, tracker: String?) throws -> Receipt {
        try node.locked {
            // A group's checkpoint is signed with the group (``submit(group:)``); sign only if it is missing.
            if (try node.store.latestCheckpoint()?.size ?? 0) <= index { _ = try node.store.signCheckpoint() }
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

    private struct WindowPeek: Decodable { let window: Int }
}
