import CivicCrypto
import Foundation
import GRDB

/// The keyed BLAKE2b tags of a module's projection rows (the key is derived from the log key), so
/// that a row edited on disk is never used: reading it reports the node as damaged. Shared by the
/// election's and the ledger's rows, and by the per-table row counts (see ``RowCounts``).
struct RowTags: Sendable {
    /// Names the rows' owner ("election", "ledger", "node"), in the tag and in damage messages.
    let module: String
    let key: [UInt8]

    /// The tag of the row of `table` that entry `entry` wrote, under `key` (its lookup key) with `value`.
    func tag(_ table: String, _ key: [UInt8], _ entry: Int, _ value: [UInt8]) -> [UInt8] {
        let head = Array("perennial-\(module)-row-v1\n\(table)\n\(entry)\n\(key.count)\n".utf8)
        // The key length is fixed (32 bytes, derived by the node) and the output length valid: cannot throw.
        return (try? BLAKE2b.hash(head + key + value, key: self.key, outputLength: 16)) ?? []
    }

    /// Refuses a row whose stored tag is not the tag of what it holds.
    /// - Throws: ``NodeError/damaged(_:)``.
    func check(_ stored: [UInt8], _ table: String, _ key: [UInt8], _ entry: Int, _ value: [UInt8]) throws {
        guard !stored.isEmpty, stored == tag(table, key, entry, value) else {
            throw NodeError.damaged("a stored \(table) row of the \(module) was altered")
        }
    }

    /// ``check(_:_:_:_:_:)`` for a row with `entry` and `tag` columns.
    func check(_ row: Row, table: String, key: [UInt8], value: [UInt8]) throws {
        try check([UInt8](row["tag"] as Data), table, key, row["entry"] as Int, value)
    }
}
