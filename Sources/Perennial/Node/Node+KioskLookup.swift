import BallotCore
import CivicCrypto
import Foundation

/// What a kiosk may tell a voter now: the one lookup behind the kiosk on a local node
/// (`NodeKioskBackend`) and the server's kiosk desk.
public struct KioskLookup: Sendable {
    public let record: Roll.Record
    public let window: VotingWindow
    /// The last local day the window is open.
    public let lastDay: LocalDate
    /// The contests in force for the window, in ballot order.
    public let contests: [ContestVersion]
    /// The ballot counted for this voter in this window, which a new one would replace.
    public let earlierBallot: Int?
}

extension Node {
    /// The voter's open window and what it holds, after catching up with the log.
    /// - Parameter credential: the public credential (hex).
    /// - Throws: ``NodeError`` (`.kiosk`) only: the refusal the kiosk shows (the next window's dates,
    ///   a replaced card, a closed term…), `.technical` for anything else.
    public func kioskLookup(credential: String) throws(NodeError) -> KioskLookup {
        do {
            return try locked { try kioskLookupLocked(credential: credential) }
        } catch let error as NodeError where error.reason == .kiosk {
            throw error
        } catch {
            throw .kiosk(.technical)
        }
    }

    private func kioskLookupLocked(credential: String) throws -> KioskLookup {
        try catchUp()
        guard let election, election.setup != nil, let calendar = election.calendar else { throw NodeError.kiosk(.technical) }
        let now = Date(timeIntervalSince1970: Double(clock.nowMilliseconds()) / 1000)
        switch election.phase {
        case .awaitingSetup: throw NodeError.kiosk(.technical)
        case .ceremony: throw NodeError.kiosk(.notOpenYet(start: nil))
        case .closed, .tallied: throw NodeError.kiosk(.closed)
        case .open: break
        }
        guard now < calendar.termEndInstant else { throw NodeError.kiosk(.closed) }
        guard let record = try rollRecord(credential) else { throw NodeError.kiosk(.notOnRoll) }
        let window: VotingWindow
        do {
            window = try election.openWindow(credential: credential, at: now)
        } catch let error as ElectionError where error.reason == .notEligible {
            throw NodeError.kiosk(.replaced)
        } catch let error as ElectionError where error.reason == .outsideWindow {
            if record.replacedBy != nil { throw NodeError.kiosk(.replaced) }
            let next = calendar.nextWindow(after: now, birthday: record.birthday, eligibleFrom: record.eligibleFrom,
                                           eligibleUntil: record.eligibleUntil)
            throw NodeError.kiosk(.outsideWindow(next: next.map { DaySpan($0, calendar) }))
        }
        let contests = election.contests.inForce(window: window.number)
        guard !contests.isEmpty else { throw NodeError.kiosk(.noContests) }
        return KioskLookup(record: record, window: window, lastDay: DaySpan(window, calendar).last, contests: contests,
                           earlierBallot: try countedBallot(lineage: record.lineage, window: window.number))
    }
}
