import BallotCore
import Foundation

/// Field checks shared by the rules and the CSV import.
enum Form {
    static func slug(_ text: String, _ what: String, check: String) throws {
        let b = Array(text.utf8)
        func ok(_ x: UInt8) -> Bool { (x >= 97 && x <= 122) || (x >= 48 && x <= 57) }
        guard !b.isEmpty, b.count <= 40, ok(b[0]), b.allSatisfy({ ok($0) || $0 == UInt8(ascii: "-") }) else {
            throw LedgerError(.malformed, check: check, "The \(what) must be 1 to 40 lowercase letters, digits or hyphens, starting with a letter or digit (e.g. food-aid).")
        }
    }

    static func attestation(_ text: String) throws {
        let b = Array(text.utf8)
        func ok(_ x: UInt8) -> Bool {
            (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || Array("._:/-".utf8).contains(x)
        }
        guard !b.isEmpty, b.count <= 64, b.allSatisfy(ok) else {
            throw LedgerError(.malformed, check: "LED-0", "The attestation id must be 1 to 64 letters, digits or . _ : / - (the organisation's own reference).")
        }
    }

    static func text(_ text: String, _ what: String, max: Int, required: Bool, check: String) throws {
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw LedgerError(.malformed, check: check, "The \(what) must not be empty.")
        }
        guard text.unicodeScalars.count <= max else {
            throw LedgerError(.malformed, check: check, "The \(what) is longer than \(max) characters.")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw LedgerError(.malformed, check: check, "The \(what) must be one line without control characters.")
        }
    }

    static func date(_ text: String, _ what: String, check: String) throws -> LocalDate {
        do { return try LocalDate(iso: text) } catch {
            throw LedgerError(.malformed, check: check, "The \(what) must be a real date written YYYY-MM-DD (got \"\(text.prefix(16))\").")
        }
    }
}
