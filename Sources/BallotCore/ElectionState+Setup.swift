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
        let s = try TermSetup.decode(entry.payload)
        try requireAuthor(entry, is: s.officer, role: "officer named in term.setup")
        guard s.group == group.name else {
            throw ElectionError(.termSetup, "This node runs group \(group.name) but the term names \(s.group).")
        }
        guard ElectionID.isValid(s.term) else {
            throw ElectionError(.termSetup, "The term id must be \(ElectionID.rule).")
        }
        guard s.trustees.t >= 1, s.trustees.t <= s.trustees.n, s.trustees.n <= Self.maximumTrustees,
              s.trusteeKeys.count == s.trustees.n else {
            throw ElectionError(.termSetup, "Trustees must satisfy 1 ≤ t ≤ n ≤ \(Self.maximumTrustees) with one key per trustee.")
        }
        guard Set(s.trusteeKeys.map { $0.lowercased() }).count == s.trusteeKeys.count else {
            throw ElectionError(.termSetup, "Each trustee needs a key of its own: the same trustee key is named twice.")
        }
        guard s.winnerRule == "plurality" else {
            throw ElectionError(.termSetup, "The only winner rule is \"plurality\".")
        }
        for key in [s.officer, s.registrar] + s.trusteeKeys {
            guard let raw = try? Hex.decode(key), raw.count == 32 else {
                throw ElectionError(.termSetup, "Every key in term.setup must be a 32-byte Ed25519 public key in hex.")
            }
        }
        guard let policy = LeapDayPolicy(rawValue: s.leapDay) else {
            throw ElectionError(.termSetup, "leap_day must be \"feb28\" or \"mar1\".")
        }
        let cal: TermCalendar
        do {
            cal = try TermCalendar(timeZone: s.timeZone, start: LocalDate(iso: s.start), end: LocalDate(iso: s.end),
                                   windowDays: s.windowDays, leapDayPolicy: policy)
        } catch {
            throw ElectionError(.termSetup, "The term's calendar is invalid: \(error)")
        }
        setup = s
        calendar = cal
        return .setup
    }
}
