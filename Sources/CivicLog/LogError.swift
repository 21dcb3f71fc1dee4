/// The one error type of CivicLog.
///
/// Each error has a ``code`` (what kind of problem, for programs) and a ``description`` (what was
/// wrong and what to do next, for people). Messages never contain secrets, payload contents or
/// personal data. New codes may be added in later versions, so switch over codes with a default.
public struct LogError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem occurred. Compare with `==` against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidKey, malformedEnvelope, badSignature, malformedPayload, wrongRecord
            case payloadTooLarge, invalidOrigin, storeMismatch, storage, notFound
            case invalidProof, rootMismatch, malformedHash, malformedCheckpoint, badCheckpointSignature
            case malformedReceipt, malformedRecord, storeNotEmpty, noCheckpoint, io, damaged, damagedSnapshot
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A key's raw bytes have the wrong length or cannot be read.
        public static let invalidKey = Code(.invalidKey)
        /// An entry's author key or signature has the wrong length.
        public static let malformedEnvelope = Code(.malformedEnvelope)
        /// An entry's signature does not verify under its author key.
        public static let badSignature = Code(.badSignature)
        /// A payload is not a JSON object starting with `"kind"` then `"record"`, or breaks the strict
        /// value rules (a key twice, a number that is not an integer) (SPEC §2.3).
        public static let malformedPayload = Code(.malformedPayload)
        /// A payload's `"record"` is not this log's origin.
        public static let wrongRecord = Code(.wrongRecord)
        /// A payload is larger than ``LogStore/maximumPayloadBytes``.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// A log origin does not follow SPEC §2.4.
        public static let invalidOrigin = Code(.invalidOrigin)
        /// A store was opened with a different origin or log key than it was created with.
        public static let storeMismatch = Code(.storeMismatch)
        /// The database failed or holds something the log did not write.
        public static let storage = Code(.storage)
        /// An index or tree size beyond the log was requested.
        public static let notFound = Code(.notFound)
        /// A Merkle proof has the wrong shape or does not fit its sizes.
        public static let invalidProof = Code(.invalidProof)
        /// A recomputed root hash differs from the expected one.
        public static let rootMismatch = Code(.rootMismatch)
        /// A hash is not 32 bytes or not valid hex/base64.
        public static let malformedHash = Code(.malformedHash)
        /// A checkpoint note does not follow SPEC §2.4.
        public static let malformedCheckpoint = Code(.malformedCheckpoint)
        /// A checkpoint's signature does not verify under the log key.
        public static let badCheckpointSignature = Code(.badCheckpointSignature)
        /// A receipt does not follow SPEC §2.6.
        public static let malformedReceipt = Code(.malformedReceipt)
        /// An exported record does not follow SPEC §1–2 or fails verification.
        public static let malformedRecord = Code(.malformedRecord)
        /// An import was attempted into a store that already holds entries or checkpoints.
        public static let storeNotEmpty = Code(.storeNotEmpty)
        /// No checkpoint has been signed yet.
        public static let noCheckpoint = Code(.noCheckpoint)
        /// A file could not be read or written.
        public static let io = Code(.io)
        /// SQLite reports the database file as corrupt: restore it from a backup.
        public static let damaged = Code(.damaged)
        /// A snapshot or a stored row (``SnapshotReader``) is truncated or malformed: the node rebuilds.
        public static let damagedSnapshot = Code(.damagedSnapshot)

        public var description: String { base.rawValue }
    }

    /// What kind of problem occurred.
    public let code: Code
    /// What was wrong and what to do next.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

extension LogError {
    /// What ``SnapshotReader`` throws for bytes it did not write. A node that meets it while restoring
    /// a snapshot rebuilds from the log, so people see it only for a damaged stored row.
    public static let damagedSnapshot = LogError(.damagedSnapshot,
        "This node's saved state (a snapshot or a stored row) is truncated or malformed. "
            + "If this persists after a restart, restore the data directory from a backup.")
}
