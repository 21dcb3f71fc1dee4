import BallotCore
import CivicCrypto
import Foundation

/// Sets up a term on a node: `term.setup`, then (optionally) the first contest version.
public enum TermSetupService {
    /// Builds the `term.setup` payload from a clerk's settings, checking them first so that a typo
    /// gives a clear error before anything is signed.
    public static func makeSetup(
        term: String, title: String, timeZone: String, start: String, end: String, windowDays: Int = 7,
        leapDay: LeapDayPolicy = .february28, group: GroupName = .ristretto255, trustees: TrusteeCount,
        trusteeKeys: [String], officer: [UInt8], registrar: [UInt8], perYearResults: Bool = false, simulation: Bool = false
    ) throws -> TermSetup {
        _ = try TermCalendar(timeZone: timeZone, start: LocalDate(iso: start), end: LocalDate(iso: end),
                             windowDays: windowDays, leapDayPolicy: leapDay)
        guard !term.isEmpty, term.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw NodeError("The term id must be non-empty printable ASCII without spaces, e.g. nancy-2026.")
        }
        guard trustees.t >= 1, trustees.t <= trustees.n, trusteeKeys.count == trustees.n else {
            throw NodeError("Give one key per trustee (n = \(trustees.n)) and a threshold 1 ≤ t ≤ n.")
        }
        return TermSetup(term: term, title: title, timeZone: timeZone, start: start, end: end, windowDays: windowDays,
                         leapDay: leapDay.rawValue, group: group.rawValue, trustees: trustees, trusteeKeys: trusteeKeys,
                         officer: Hex.encode(officer), registrar: Hex.encode(registrar), perYearResults: perYearResults,
                         simulation: simulation)
    }
}
