/// A numbered check of the audit. Ids are stable across versions: observers quote them.
public struct Check: Sendable, Hashable, Comparable {
    /// Stable id, e.g. `LOG-4`.
    public let id: String
    /// Short name, e.g. `checkpoint roots`.
    public let name: String

    public init(_ id: String, _ name: String) {
        self.id = id
        self.name = name
    }

    public static func < (a: Check, b: Check) -> Bool {
        let (pa, na) = a.sortKey
        let (pb, nb) = b.sortKey
        if pa != pb { return Check.familyOrder(pa) < Check.familyOrder(pb) }
        if na != nb { return na < nb }
        return a.id < b.id
    }

    private var sortKey: (String, Int) {
        let parts = id.split(separator: "-")
        return (String(parts.first ?? ""), Int(parts.last ?? "") ?? 0)
    }

    private static func familyOrder(_ family: String) -> Int {
        ["REC", "LOG", "KND", "AUTH", "TERM", "TRU", "ROLL", "CON", "BAL", "TAL", "LED", "DEL", "RCT", "BRD"].firstIndex(of: family) ?? 99
    }
}

extension Check {
    // The record's files.
    public static let manifest = Check("REC-1", "manifest and files consistent")
    // The log (SPEC.md §2).
    public static let entriesWellFormed = Check("LOG-1", "entries well-formed")
    public static let entrySignatures = Check("LOG-2", "leaf hashes & signatures")
    public static let checkpointSignatures = Check("LOG-3", "checkpoint signatures")
    public static let checkpointRoots = Check("LOG-4", "checkpoint roots")
    public static let timesNonDecreasing = Check("LOG-5", "times non-decreasing")
    public static let payloadEnvelopes = Check("LOG-6", "payload kind and record")
    public static let checkpointSequence = Check("LOG-7", "checkpoint sizes increase and cover the log")
    public static let checkpointTimes = Check("LOG-8", "checkpoint times")
    /// Only with `--log-key`: the record is the pinned log's (SPEC.md §2.5, §4.2).
    public static let pinnedLogKey = Check("LOG-9", "log key as pinned by the observer")
    /// Only with a verifier clock (``VerifyOptions/now``): a real term's log times are not ahead of it
    /// (SPEC.md §4.2).
    public static let notInTheFuture = Check("LOG-10", "times not ahead of the verifier's clock")
    // Receipts (SPEC.md §2.6).
    public static let receiptWellFormed = Check("RCT-1", "receipt well-formed")
    public static let receiptCheckpoint = Check("RCT-2", "receipt checkpoint signature")
    public static let receiptInclusion = Check("RCT-3", "receipt inclusion proof")
    public static let receiptEntry = Check("RCT-4", "receipt entry in the record")
    public static let receiptConsistency = Check("RCT-5", "record consistent with the receipt's checkpoint")
    public static let receiptTrackingCode = Check("RCT-6", "tracking code matches the receipt's tracker")
    // Entry kinds.
    public static let knownKinds = Check("KND-1", "entry kinds known")

    /// The log checks, in report order.
    public static let logChecks: [Check] = [
        .manifest, .entriesWellFormed, .entrySignatures, .checkpointSignatures, .checkpointRoots,
        .timesNonDecreasing, .payloadEnvelopes, .checkpointSequence, .checkpointTimes,
    ]
}

/// Where a failure was found.
public enum Location: Sendable, Hashable, CustomStringConvertible {
    /// Entry at this index (line index+1 of entries.jsonl).
    case entry(UInt64)
    /// Checkpoint at this position in checkpoints.jsonl (0-based), with its size when known.
    case checkpoint(position: UInt64, size: UInt64?)
    /// The record as a whole.
    case record
    /// The receipt being verified.
    case receipt

    public var description: String {
        switch self {
        case let .entry(i): return "entry \(i)"
        case let .checkpoint(p, s): return s.map { "checkpoint #\(p) (size \($0))" } ?? "checkpoint #\(p)"
        case .record: return "record"
        case .receipt: return "receipt"
        }
    }
}

/// One failed item.
public struct Failure: Sendable, Hashable {
    public let location: Location
    public let reason: String
    public init(_ location: Location, _ reason: String) {
        self.location = location
        self.reason = reason
    }
}

/// The outcome of one check: how many items it examined, and which failed.
public struct CheckResult: Sendable {
    public let check: Check
    public internal(set) var checked: UInt64 = 0
    public internal(set) var failed: UInt64 = 0
    /// The first ``Report/maxListedFailures`` failures, in the order found.
    public internal(set) var failures: [Failure] = []

    public var passed: Bool { failed == 0 }
}
