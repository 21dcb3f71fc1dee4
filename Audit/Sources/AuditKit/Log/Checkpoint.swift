/// A signed checkpoint (SPEC.md §2.4): a C2SP `tlog-checkpoint` body wrapped in a C2SP signed note.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: [UInt8]
    /// The `time` line: log time of the checkpoint in ms.
    public var time: UInt64
    /// The exact signed bytes: every body line with its newline.
    public var body: [UInt8]
    /// The signature lines: key name and the decoded `key_id || signature`.
    public var signatures: [(name: String, blob: [UInt8])]

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.body == b.body && a.signatures.count == b.signatures.count
            && zip(a.signatures, b.signatures).allSatisfy { $0.name == $1.name && $0.blob == $1.blob }
    }

    /// The C2SP key id: the first 4 bytes of `SHA-256(name || 0x0A || 0x01 || publicKey)`.
    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(Hash.sha256(parts: [Array(name.utf8), [0x0a, 0x01], publicKey]).prefix(4))
    }

    /// SPEC.md §2.4: 1 to 255 characters, each printable ASCII (U+0021–U+007E) other than `+`, `"`, `\`.
    public static func isValidOrigin(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return !u.isEmpty && u.count <= 255 && u.allSatisfy { $0 >= 0x21 && $0 <= 0x7e && $0 != 0x2b && $0 != 0x22 && $0 != 0x5c }
    }

    /// The body text for these values.
    public static func bodyText(origin: String, size: UInt64, root: [UInt8], time: UInt64) -> String {
        "\(origin)\n\(size)\n\(Base64.encode(root))\ntime \(time)\n"
    }

    /// Parses a signed note (without checking its signature).
    /// - Throws: ``AuditError`` naming the line that is malformed.
    public init(note: String) throws(AuditError) {
        let bytes = Array(note.utf8)
        // The body ends at the first blank line: "\n\n".
        var split: Int? = nil
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0a && bytes[i + 1] == 0x0a { split = i; break }
            i += 1
        }
        guard let split else { throw .malformed("the note has no blank line between its body and its signatures") }
        let body = Array(bytes[0...split])
        let lines = body.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        guard lines.count == 4 else { throw .malformed("the checkpoint body must have exactly 4 lines, found \(lines.count)") }
        let origin = lines[0]
        guard Checkpoint.isValidOrigin(origin) else { throw .malformed("the checkpoint origin line is not a valid name") }
        guard let size = Checkpoint.canonicalDecimal(lines[1]) else { throw .malformed("the checkpoint size line is not a decimal number") }
        let root: [UInt8]
        do { root = try Base64.decode(lines[2]) } catch { throw .malformed("the checkpoint root line is not base64") }
        guard root.count == 32 else { throw .malformed("the checkpoint root is not 32 bytes") }
        guard lines[3].hasPrefix("time "), let time = Checkpoint.canonicalDecimal(String(lines[3].dropFirst(5))) else {
            throw .malformed("the fourth checkpoint line must be `time <ms>`")
        }
        // Signature lines: "— <name> <b64>\n", each ending with a newline.
        let rest = bytes[(split + 2)...]
        guard rest.last == 0x0a else { throw .malformed("the note must end with a newline") }
        var signatures: [(name: String, blob: [UInt8])] = []
        for raw in rest.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false) {
            let line = String(decoding: raw, as: UTF8.self)
            guard line.hasPrefix("\u{2014} ") else { throw .malformed("a signature line must start with an em dash and a space") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty else { throw .malformed("a signature line must be `— <name> <base64>`") }
            // C2SP signed-note key names: no `+` and no Unicode white space (SPEC.md §2.4).
            guard !fields[0].contains("+"), !fields[0].unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
                throw .malformed("a signature line's key name must not contain `+` or white space")
            }
            let blob: [UInt8]
            do { blob = try Base64.decode(String(fields[1])) } catch { throw .malformed("a signature is not base64") }
            guard blob.count > 4 else { throw .malformed("a signature line must carry more than 4 bytes") }
            signatures.append((String(fields[0]), blob))
        }
        guard !signatures.isEmpty else { throw .malformed("the note has no signature line") }
        self.origin = origin
        self.size = size
        self.root = root
        self.time = time
        self.body = body
        self.signatures = signatures
    }

    /// Verifies the log's signature: a line whose name is the origin and whose key id is the log key's,
    /// carrying exactly 68 bytes with a valid Ed25519 signature of the body. Other lines (witness
    /// cosignatures) are ignored, as SPEC.md §2.4 says.
    /// - Returns: nil when it verifies, otherwise the reason.
    public func signatureFailure(logKey: [UInt8]) -> String? {
        let id = Checkpoint.keyID(name: origin, publicKey: logKey)
        let ours = signatures.filter { $0.name == origin && Array($0.blob.prefix(4)) == id }
        guard !ours.isEmpty else { return "no signature line by the log key (name \"\(origin)\", key id \(Hex.encode(id)))" }
        for line in ours {
            let sig = Array(line.blob.dropFirst(4))
            guard sig.count == 64 else { return "the log's signature line must carry exactly 68 bytes" }
            if Ed25519.verify(signature: sig, message: body, publicKey: logKey) { return nil }
        }
        return "the log's signature does not verify"
    }

    /// The C2SP signed-note verifier key string of an Ed25519 key (SPEC.md §2.4, §4.2):
    /// `<name>+<hex of the 4-byte key id>+<b64(0x01 || key)>`.
    public static func verifierKey(name: String, publicKey: [UInt8]) -> String {
        "\(name)+\(Hex.encode(keyID(name: name, publicKey: publicKey)))+\(Base64.encode([0x01] + publicKey))"
    }

    /// Parses a verifier key string: its name and 32-byte Ed25519 key, or nil if it is not one
    /// (wrong form, not type 0x01, or a key hash that does not match).
    public static func parseVerifierKey(_ text: String) -> (name: String, publicKey: [UInt8])? {
        // The name holds no "+"; the base64 may.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count == 8,
              let blob = try? Base64.decode(String(parts[2])), blob.count == 33, blob[0] == 0x01 else { return nil }
        let key = Array(blob.dropFirst())
        guard verifierKey(name: String(parts[0]), publicKey: key) == text else { return nil }
        return (String(parts[0]), key)
    }

    /// The whole signed note text.
    public var noteText: String {
        var s = String(decoding: body, as: UTF8.self) + "\n"
        for line in signatures { s += "\u{2014} \(line.name) \(Base64.encode(line.blob))\n" }
        return s
    }

    static func canonicalDecimal(_ s: String) -> UInt64? {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), s.count == 1 || !s.hasPrefix("0") else { return nil }
        return UInt64(s)
    }
}

/// One line of `checkpoints.jsonl`: `{"size":n,"note":"…"}`.
public struct CheckpointLine: Sendable {
    public var size: UInt64
    public var note: String

    /// Parses the line (not the note).
    /// - Throws: ``AuditError`` if the line is not `{"size":n,"note":"…"}`.
    public init(line: [UInt8]) throws(AuditError) {
        let json = try JSON.parse(line)
        guard let members = json.objectMembers, members.count == 2, members[0].0 == "size", members[1].0 == "note" else {
            throw .malformed("a checkpoint line must be {\"size\":n,\"note\":\"…\"}")
        }
        guard let size = members[0].1.uint64Value else { throw .malformed("checkpoint \"size\" must be a count") }
        guard let note = members[1].1.stringValue else { throw .malformed("checkpoint \"note\" must be a string") }
        self.size = size
        self.note = note
    }

    public init(size: UInt64, note: String) {
        self.size = size
        self.note = note
    }

    /// The line as an exporter writes it.
    public var line: String { JSON.object([("size", .int(size)), ("note", .string(note))]).compactText }
}
