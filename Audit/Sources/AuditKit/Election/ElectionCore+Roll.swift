/// The roll (§4.5): enrolments, updates and card replacements.
extension ElectionCore {
    func interval(_ fields: Fields) throws(AuditError) -> (LocalDate?, LocalDate?) {
        let from = try date(try fields.optionalString("eligible_from"), "eligible_from")
        let until = try date(try fields.optionalString("eligible_until"), "eligible_until")
        if let from, let until, !(from < until) { throw .malformed("eligible_from must be before eligible_until") }
        return (from, until)
    }

    func rollEnrol(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try fields.finish(["credential", "birthday", "eligible_from", "eligible_until"])
            let credential = try fields.hex("credential", length: 32)
            guard isValidEd25519Key(credential) else { throw .malformed("the credential is not a valid Ed25519 public key") }
            guard roll[credential] == nil else { throw .malformed("the credential is already on the roll") }
            guard let birthday = Birthday(try fields.string("birthday")) else { throw .malformed("birthday must be MM-DD") }
            let (from, until) = try interval(fields)
            roll[credential] = RollCredential(birthday: birthday, from: from, until: until, lineage: entry.index)
            report.record(.rollEnrol, .entry(entry.index), failure: nil)
        } catch {
            report.record(.rollEnrol, .entry(entry.index), failure: error.message)
        }
    }

    static var updateReasons: Set<String> { ["coming-of-age", "moved-in", "moved-out", "death", "correction"] }

    func rollUpdate(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try fields.finish(["credential", "eligible_from", "eligible_until", "reason"])
            let credential = try fields.hex("credential", length: 32)
            guard var record = roll[credential] else { throw .malformed("the credential is not on the roll") }
            guard !record.replaced else { throw .malformed("the credential was replaced") }
            let (from, until) = try interval(fields)
            guard Self.updateReasons.contains(try fields.string("reason")) else { throw .malformed("reason must be one of \(Self.updateReasons.sorted())") }
            record.from = from
            record.until = until
            roll[credential] = record
            report.record(.rollUpdate, .entry(entry.index), failure: nil)
        } catch {
            report.record(.rollUpdate, .entry(entry.index), failure: error.message)
        }
    }

    func rollReplace(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try fields.finish(["old", "new", "date", "reason"])
            let old = try fields.hex("old", length: 32)
            let new = try fields.hex("new", length: 32)
            guard let replacedOn = try date(try fields.string("date"), "date") else { throw .malformed("date is missing") }
            guard ["lost", "stolen", "damaged"].contains(try fields.string("reason")) else { throw .malformed("reason must be lost, stolen or damaged") }
            guard var oldRecord = roll[old] else { throw .malformed("the old credential is not on the roll") }
            guard !oldRecord.replaced else { throw .malformed("the old credential was already replaced") }
            guard isValidEd25519Key(new) else { throw .malformed("the new credential is not a valid Ed25519 public key") }
            guard roll[new] == nil else { throw .malformed("the new credential is already on the roll") }
            let oldUntil = oldRecord.until
            let newFrom = oldRecord.from.map { max($0, replacedOn) } ?? replacedOn
            // The new credential must be able to vote; the old one may be left an empty interval
            // (a card lost before its eligibility began): it then has no window.
            if let oldUntil, !(newFrom < oldUntil) {
                throw .malformed("the new credential's eligibility [\(newFrom), \(oldUntil)) would be empty: the replacement date is not before the end of the voter's eligibility")
            }
            oldRecord.until = oldUntil.map { min($0, replacedOn) } ?? replacedOn
            oldRecord.replaced = true
            roll[old] = oldRecord
            roll[new] = RollCredential(birthday: oldRecord.birthday, from: newFrom, until: oldUntil, lineage: oldRecord.lineage)
            report.record(.rollReplace, .entry(entry.index), failure: nil)
        } catch {
            report.record(.rollReplace, .entry(entry.index), failure: error.message)
        }
    }
}
