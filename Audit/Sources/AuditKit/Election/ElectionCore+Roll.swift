/// The roll (§4.5): enrolments, updates and card replacements.
extension ElectionCore {
    func interval(_ f: Fields) throws(AuditError) -> (LocalDate?, LocalDate?) {
        let from = try date(try f.optionalString("eligible_from"), "eligible_from")
        let until = try date(try f.optionalString("eligible_until"), "eligible_until")
        if let from, let until, !(from < until) { throw .malformed("eligible_from must be before eligible_until") }
        return (from, until)
    }

    func rollEnrol(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["credential", "birthday", "eligible_from", "eligible_until"])
            let cred = try f.hex("credential", length: 32)
            guard isValidEd25519Key(cred) else { throw .malformed("the credential is not a valid Ed25519 public key") }
            guard roll[cred] == nil else { throw .malformed("the credential is already on the roll") }
            guard let b = Birthday(try f.string("birthday")) else { throw .malformed("birthday must be MM-DD") }
            let (from, until) = try interval(f)
            roll[cred] = RollCredential(birthday: b, from: from, until: until, lineage: e.index)
            report.record(.rollEnrol, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollEnrol, .entry(e.index), failure: error.message)
        }
    }

    static var updateReasons: Set<String> { ["coming-of-age", "moved-in", "moved-out", "death", "correction"] }

    func rollUpdate(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["credential", "eligible_from", "eligible_until", "reason"])
            let cred = try f.hex("credential", length: 32)
            guard var c = roll[cred] else { throw .malformed("the credential is not on the roll") }
            guard !c.replaced else { throw .malformed("the credential was replaced") }
            let (from, until) = try interval(f)
            guard Self.updateReasons.contains(try f.string("reason")) else { throw .malformed("reason must be one of \(Self.updateReasons.sorted())") }
            c.from = from
            c.until = until
            roll[cred] = c
            report.record(.rollUpdate, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollUpdate, .entry(e.index), failure: error.message)
        }
    }

    func rollReplace(_ e: VerifiedEntry, _ f: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try f.finish(["old", "new", "date", "reason"])
            let old = try f.hex("old", length: 32)
            let new = try f.hex("new", length: 32)
            guard let d = try date(try f.string("date"), "date") else { throw .malformed("date is missing") }
            guard ["lost", "stolen", "damaged"].contains(try f.string("reason")) else { throw .malformed("reason must be lost, stolen or damaged") }
            guard var o = roll[old] else { throw .malformed("the old credential is not on the roll") }
            guard !o.replaced else { throw .malformed("the old credential was already replaced") }
            guard isValidEd25519Key(new) else { throw .malformed("the new credential is not a valid Ed25519 public key") }
            guard roll[new] == nil else { throw .malformed("the new credential is already on the roll") }
            let oldUntil = o.until
            let newFrom = o.from.map { max($0, d) } ?? d
            // The new credential must be able to vote; the old one may be left an empty interval
            // (a card lost before its eligibility began): it then has no window.
            if let oldUntil, !(newFrom < oldUntil) {
                throw .malformed("the new credential's eligibility [\(newFrom), \(oldUntil)) would be empty: the replacement date is not before the end of the voter's eligibility")
            }
            o.until = oldUntil.map { min($0, d) } ?? d
            o.replaced = true
            roll[old] = o
            roll[new] = RollCredential(birthday: o.birthday, from: newFrom, until: oldUntil, lineage: o.lineage)
            report.record(.rollReplace, .entry(e.index), failure: nil)
        } catch {
            report.record(.rollReplace, .entry(e.index), failure: error.message)
        }
    }
}
