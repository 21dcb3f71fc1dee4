/// The checks of SPEC.md §4 (the lifelong election), under the ids SPEC.md gives them.
extension Check {
    public static let auth = Check("AUTH", "authors hold their roles")
    public static let term = Check("TERM", "term setup")
    public static let trusteeCommitments = Check("TRU-1", "trustee commitments & proofs")
    public static let trusteeShares = Check("TRU-2", "trustee shares distributed")
    public static let trusteeComplaints = Check("TRU-3", "no complaint before the election key")
    public static let trusteeReady = Check("TRU-4", "trustee verification keys")
    public static let electionKey = Check("TRU-5", "election public key")
    public static let rollEnrol = Check("ROLL-1", "roll enrolments")
    public static let rollUpdate = Check("ROLL-2", "roll eligibility updates")
    public static let rollReplace = Check("ROLL-3", "roll credential replacements")
    public static let rollFrozen = Check("ROLL-4", "roll frozen after the close")
    public static let contestVersions = Check("CON-1", "contest versions")
    public static let contestOptions = Check("CON-2", "contest options well-formed")
    public static let ballotCredential = Check("BAL-1", "ballot credential on the roll")
    public static let ballotWindow = Check("BAL-2", "ballot inside its window")
    public static let ballotContests = Check("BAL-3", "ballot contests in force")
    public static let ballotProofs = Check("BAL-4", "ballot proofs")
    public static let ballotReplay = Check("BAL-5", "no replayed ballot")
    public static let ballotOncePerWindow = Check("BAL-6", "once per window (supersession)")
    public static let ballotKeyAndClose = Check("BAL-7", "ballot after the key, before the close")
    public static let ballotSpoiled = Check("BAL-8", "spoiled ballots open correctly")
    public static let kioskEnrol = Check("KSK-1", "kiosk devices enrolled")
    public static let kioskRevoke = Check("KSK-2", "kiosk devices revoked")
    public static let tallyClose = Check("TAL-1", "encrypted tally recomputed")
    public static let tallyShares = Check("TAL-2", "decryption shares")
    public static let tallyResult = Check("TAL-3", "published result")

    /// Every election check, in report order.
    public static let electionChecks: [Check] = [
        .auth, .term, .trusteeCommitments, .trusteeShares, .trusteeComplaints, .trusteeReady, .electionKey,
        .rollEnrol, .rollUpdate, .rollReplace, .rollFrozen, .contestVersions, .contestOptions,
        .ballotCredential, .ballotWindow, .ballotContests, .ballotProofs, .ballotReplay, .ballotOncePerWindow,
        .ballotKeyAndClose, .ballotSpoiled, .kioskEnrol, .kioskRevoke, .tallyClose, .tallyShares, .tallyResult,
    ]
}

/// Typed access to a payload's fields with clear errors; ``finish(_:)`` refuses keys SPEC.md does not
/// define for the kind.
struct Fields {
    let members: [(String, JSON)]
    let kind: String

    init(_ json: JSON, kind: String) throws(AuditError) {
        guard let m = json.objectMembers else { throw .malformed("\(kind): not a JSON object") }
        members = m
        self.kind = kind
    }

    func value(_ key: String) throws(AuditError) -> JSON {
        guard let v = members.first(where: { $0.0 == key })?.1 else { throw .malformed("\(kind): \"\(key)\" is missing") }
        return v
    }

    func has(_ key: String) -> Bool { members.contains { $0.0 == key } }

    func string(_ key: String) throws(AuditError) -> String {
        guard let s = try value(key).stringValue else { throw .malformed("\(kind): \"\(key)\" must be a string") }
        return s
    }

    func optionalString(_ key: String) throws(AuditError) -> String? {
        let v = try value(key)
        if v == .null { return nil }
        guard let s = v.stringValue else { throw .malformed("\(kind): \"\(key)\" must be a string or null") }
        return s
    }

    func count(_ key: String) throws(AuditError) -> Int {
        guard let n = try value(key).uint64Value, n <= UInt64(Int32.max) else {
            throw .malformed("\(kind): \"\(key)\" must be a non-negative integer")
        }
        return Int(n)
    }

    func optionalCount(_ key: String) throws(AuditError) -> Int? {
        let v = try value(key)
        if v == .null { return nil }
        guard let n = v.uint64Value, n <= UInt64(Int32.max) else { throw .malformed("\(kind): \"\(key)\" must be an integer or null") }
        return Int(n)
    }

    func bool(_ key: String) throws(AuditError) -> Bool {
        guard let b = try value(key).boolValue else { throw .malformed("\(kind): \"\(key)\" must be true or false") }
        return b
    }

    func array(_ key: String) throws(AuditError) -> [JSON] {
        guard let a = try value(key).arrayValue else { throw .malformed("\(kind): \"\(key)\" must be an array") }
        return a
    }

    func hex(_ key: String, length: Int) throws(AuditError) -> [UInt8] {
        do { return try Hex.decode(try string(key), length: length) } catch {
            throw .malformed("\(kind): \"\(key)\" must be \(length) bytes of lowercase hex")
        }
    }

    /// Refuses any key other than `kind`, `record`, `term` (when `withTerm`) and `allowed`.
    func finish(_ allowed: [String], withTerm: Bool = true) throws(AuditError) {
        // Payload objects have a handful of keys: linear scans, no Set to build and hash per object
        // (this runs for every object of every ballot). Same answers, same first failure.
        func isKnown(_ k: String) -> Bool { k == "kind" || k == "record" || (withTerm && k == "term") || allowed.contains(k) }
        for (k, _) in members where !isKnown(k) { throw .malformed("\(kind): unexpected key \"\(k)\"") }
        if members.count <= 16 {
            for i in members.indices where members[..<i].contains(where: { $0.0 == members[i].0 }) {
                throw .malformed("\(kind): key \"\(members[i].0)\" appears twice")
            }
            return
        }
        var seen = Set<String>()
        for (k, _) in members {
            guard seen.insert(k).inserted else { throw .malformed("\(kind): key \"\(k)\" appears twice") }
        }
    }

    /// An object inside an array, read the same way.
    static func object(_ json: JSON, _ what: String) throws(AuditError) -> Fields {
        try Fields(json, kind: what)
    }
}
