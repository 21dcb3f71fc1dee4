import CivicCrypto
import CivicLog
import Foundation

/// `term.setup` (SPEC §4.2): the first entry, which fixes the officer, registrar, trustees and calendar.
extension ElectionState {
    /// The largest number of trustees a term may have (SPEC §4.2).
    public static var maximumTrustees: Int { 64 }

    mutating func applySetup(_ entry: ElectionEntry) throws -> ElectionEffect {
        guard setup == nil, entry.index == 0 else {
            throw ElectionError(.termSetup, "term.setup must be the first entry of the log, and only once.")
        }
        let proposed = try TermSetup.decode(entry.payload)
        try requireAuthor(entry, is: proposed.officer, role: "officer named in term.setup")
        guard proposed.group == group.name else {
            throw ElectionError(.termSetup, "This node runs group \(group.name) but the term names \(proposed.group).")
        }
        guard ElectionID.isValid(proposed.term) else {
            throw ElectionError(.termSetup, "The term id must be \(ElectionID.rule).")
        }
        guard proposed.trustees.t >= 1, proposed.trustees.t <= proposed.trustees.n, proposed.trustees.n <= Self.maximumTrustees,
              proposed.trusteeKeys.count == proposed.trustees.n else {
            throw ElectionError(.termSetup, "Trustees must satisfy 1 ≤ t ≤ n ≤ \(Self.maximumTrustees) with one key per trustee.")
        }
        guard Set(proposed.trusteeKeys.map { $0.lowercased() }).count == proposed.trusteeKeys.count else {
            throw ElectionError(.termSetup, "Each trustee needs a key of its own: the same trustee key is named twice.")
        }
        guard proposed.winnerRule == "plurality" else {
            throw ElectionError(.termSetup, "The only winner rule is \"plurality\".")
        }
        for key in [proposed.officer, proposed.registrar] + proposed.trusteeKeys {
            guard let raw = try? Hex.decode(key), raw.count == 32 else {
                throw ElectionError(.termSetup, "Every key in term.setup must be a 32-byte Ed25519 public key in hex.")
            }
        }
        guard let policy = LeapDayPolicy(rawValue: proposed.leapDay) else {
            throw ElectionError(.termSetup, "leap_day must be \"feb28\" or \"mar1\".")
        }
        let termCalendar: TermCalendar
        do {
            termCalendar = try TermCalendar(timeZone: proposed.timeZone, start: LocalDate(iso: proposed.start), end: LocalDate(iso: proposed.end),
                                   windowDays: proposed.windowDays, leapDayPolicy: policy)
        } catch {
            throw ElectionError(.termSetup, "The term's calendar is invalid: \(error)")
        }
        setup = proposed
        calendar = termCalendar
        return .setup
    }
}
