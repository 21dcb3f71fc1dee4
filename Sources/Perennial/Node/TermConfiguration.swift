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
        guard ElectionID.isValid(term) else {
            throw NodeError("The term id must be \(ElectionID.rule), e.g. nancy-2026.")
        }
        guard trustees.t >= 1, trustees.t <= trustees.n, trustees.n <= 64, trusteeKeys.count == trustees.n else {
            throw NodeError("Give one key per trustee (n = \(trustees.n), at most 64) and a threshold 1 ≤ t ≤ n.")
        }
        for (i, key) in trusteeKeys.enumerated() {
            guard let raw = try? Hex.decode(key), raw.count == 32 else {
                throw NodeError("--trustee-key number \(i + 1) is not a trustee's public key (64 hex digits, as `perennial trustee key` prints).")
            }
            if let first = trusteeKeys[..<i].firstIndex(where: { $0.lowercased() == key.lowercased() }) {
                throw NodeError("--trustee-key numbers \(first + 1) and \(i + 1) are the same key: each trustee runs `perennial trustee key` in its own directory.")
            }
        }
        return TermSetup(term: term, title: title, timeZone: timeZone, start: start, end: end, windowDays: windowDays,
                         leapDay: leapDay.rawValue, group: group.rawValue, trustees: trustees, trusteeKeys: trusteeKeys,
                         officer: Hex.encode(officer), registrar: Hex.encode(registrar), perYearResults: perYearResults,
                         simulation: simulation)
    }
}
