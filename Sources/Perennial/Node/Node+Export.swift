import CivicLog
import Foundation

extension Node {
    /// Writes the public record (SPEC §1–2) covering the latest checkpoint. Moderation keeps the
    /// hash, not the text: the entry of a comment hidden by moderation (and not shown again) as of
    /// that checkpoint is
    /// written as a **redacted** line — its leaf hash instead of its signature, and a stand-in payload
    /// with the comment's public fields, its hash and an empty body (SPEC §2.2, §6.4).
    @discardableResult
    public func exportPublicRecord(to directory: URL) throws -> RecordSummary {
        let redactions = try Redactions.of(store, size: try store.latestCheckpoint()?.size ?? 0)
        return try store.exportRecord(to: directory, redact: redactions.standIn)
    }
}
