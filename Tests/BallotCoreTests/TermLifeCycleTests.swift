import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Testing

/// The term's life cycle (``TermPhase``): which entry kind comes when, and that every election entry
/// is refused out of order with the one life-cycle error, before anything else is read.
@Suite("Term life cycle")
struct TermLifeCycleTests {
    typealias S = ElectionScenario<Ristretto255Group>

    /// Written out by hand from SPEC §4, independently of `TermPhase.admits`.
    static let admitted: [TermPhase: Set<EntryKind>] = [
        .awaitingSetup: [.termSetup],
        .ceremony: [.trusteeCommitments, .trusteeShares, .trusteeComplaint, .trusteeReady, .electionKey,
                    .rollEnrol, .rollUpdate, .rollReplace, .contestVersion, .kioskEnrol, .kioskRevoke],
        .open: [.rollEnrol, .rollUpdate, .rollReplace, .contestVersion, .ballotCast, .ballotSpoil, .termClose,
                .kioskEnrol, .kioskRevoke],
        .closed: [.tallyShare, .tallyResult, .kioskEnrol, .kioskRevoke],
        .tallied: [.tallyShare, .kioskEnrol, .kioskRevoke],
    ]

    @Test func eachPhaseAdmitsExactlyTheKindsSpecAllows() {
        for phase in TermPhase.allCases {
            for kind in EntryKind.allCases {
                let expected = Self.admitted[phase]?.contains(kind) ?? false
                #expect(phase.admits(kind) == expected, "\(phase) and \(kind.rawValue)")
                let refusal = phase.refusal(kind)
                #expect((refusal == nil) == expected, "\(phase) and \(kind.rawValue)")
                if let refusal { #expect(!refusal.message.isEmpty) }
            }
        }
    }

    @Test func onlySetupKeyCloseAndResultMoveTheTermOn() {
        let moves: [TermPhase: (EntryKind, TermPhase)] = [
            .awaitingSetup: (.termSetup, .ceremony), .ceremony: (.electionKey, .open),
            .open: (.termClose, .closed), .closed: (.tallyResult, .tallied),
        ]
        for phase in TermPhase.allCases {
            for kind in EntryKind.allCases where phase.admits(kind) {
                let expected = moves[phase].flatMap { $0.0 == kind ? $0.1 : nil } ?? phase
                #expect(phase.after(kind) == expected, "\(phase) then \(kind.rawValue)")
            }
        }
    }

    @Test func outOfOrderEntriesAreRefusedInEveryPhaseAndChangeNothing() throws {
        var s = try S(group: .shared)
        try expectEveryForbiddenKindRefused(&s, in: .ceremony)
        try s.ceremony()
        try s.apply(S.office, by: s.officer, at: "2026-12-03T08:00:00+01:00")
        let voter = try s.enrol("03-10")
        try expectEveryForbiddenKindRefused(&s, in: .open)
        try s.applyBytes(try s.ballot(for: voter, window: 1, choices: ["office": "ana"]).payload, by: voter,
                         at: "2027-03-11T10:00:00+01:00")
        let result = try s.closeAndDecrypt()
        try expectEveryForbiddenKindRefused(&s, in: .closed)
        try s.apply(result, by: s.officer, at: "2029-01-02T10:00:00+01:00")
        try expectEveryForbiddenKindRefused(&s, in: .tallied)
    }

    @Test func nothingButTermSetupComesFirst() throws {
        var state = ElectionState(group: Ristretto255Group.shared, record: "test.example/perennial")
        for kind in EntryKind.allCases where kind != .termSetup {
            let payload = OrderedJSON.payload(kind: kind.rawValue, record: state.record, term: "t-2027", fields: [])
            let entry = ElectionEntry(index: 0, timeMs: 0, author: Array(repeating: 1, count: 32), payload: payload)
            #expect(throws: TermPhase.awaitingSetup.refusal(kind)!) { try state.apply(entry) }
            #expect(state.phase == .awaitingSetup)
            #expect(state.lastIndex == -1)
        }
    }

    /// Every kind the phase forbids, as a bare payload of that kind (no fields at all, signed by the
    /// officer): the life cycle must refuse it before decoding or checking the author, with its own error.
    func expectEveryForbiddenKindRefused(_ s: inout S, in phase: TermPhase) throws {
        #expect(s.state.phase == phase)
        let lastIndex = s.state.lastIndex
        for kind in EntryKind.allCases where !(Self.admitted[phase]?.contains(kind) ?? false) {
            let payload = OrderedJSON.payload(kind: kind.rawValue, record: s.record, term: s.term, fields: [])
            let expected = try #require(phase.refusal(kind))
            #expect(throws: expected, "\(kind.rawValue) in \(phase)") {
                try s.applyBytes(payload, by: s.officer, at: "2029-06-01T09:00:00+02:00")
            }
            #expect(s.state.phase == phase)
            #expect(s.state.lastIndex == lastIndex)
        }
    }
}
