/// `manifest.json` (SPEC.md §2.5).
public struct Manifest: Sendable, Equatable {
    public var origin: String
    /// The log's Ed25519 public key.
    public var logKey: [UInt8]
    public var entries: UInt64
    public var checkpoints: UInt64

    public init(origin: String, logKey: [UInt8], entries: UInt64, checkpoints: UInt64) {
        self.origin = origin
        self.logKey = logKey
        self.entries = entries
        self.checkpoints = checkpoints
    }

    /// Parses and validates the manifest.
    /// - Throws: ``AuditError`` naming the field that is missing or wrong.
    public init(json bytes: [UInt8]) throws(AuditError) {
        let json = try JSON.parse(bytes)
        guard json.objectMembers != nil else { throw .malformed("manifest.json is not a JSON object") }
        guard json["format"]?.stringValue == "perennial-record" else {
            throw .malformed("manifest.json: \"format\" must be \"perennial-record\"")
        }
        guard json["version"]?.uint64Value == 1 else {
            throw .malformed("manifest.json: only \"version\":1 is understood by this verifier")
        }
        guard let origin = json["origin"]?.stringValue, !origin.isEmpty, Checkpoint.isValidOrigin(origin) else {
            throw .malformed("manifest.json: \"origin\" must be a non-empty line of text without spaces")
        }
        guard let keyHex = json["log_key"]?.stringValue else { throw .malformed("manifest.json: \"log_key\" is missing") }
        let key: [UInt8]
        do { key = try Hex.decode(keyHex, length: 32) } catch {
            throw .malformed("manifest.json: \"log_key\" must be 32 bytes of lowercase hex")
        }
        guard let n = json["entries"]?.uint64Value else { throw .malformed("manifest.json: \"entries\" must be a count") }
        guard let k = json["checkpoints"]?.uint64Value else { throw .malformed("manifest.json: \"checkpoints\" must be a count") }
        self.init(origin: origin, logKey: key, entries: n, checkpoints: k)
    }

    /// The canonical text, keys in the order SPEC.md lists them.
    public var jsonText: String {
        JSON.object([
            ("format", .string("perennial-record")), ("version", .int(1)), ("origin", .string(origin)),
            ("log_key", .string(Hex.encode(logKey))), ("entries", .int(entries)), ("checkpoints", .int(checkpoints)),
        ]).compactText
    }
}
