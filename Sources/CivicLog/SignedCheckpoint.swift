/// A signed checkpoint: a C2SP `tlog-checkpoint` body with a `time` extension line, wrapped in a
/// C2SP signed note with one Ed25519 signature by the log key (SPEC §2.4).
///
/// ```
/// perennial.example/nancy-2026
/// 42
/// <b64 root>
/// time 1767225600000
///
/// — perennial.example/nancy-2026 <b64(key_id || signature)>
/// ```
public struct SignedCheckpoint: Hashable, Sendable {
    /// The log origin (first body line, and the note's key name).
    public let origin: String
    /// The tree size the checkpoint commits to.
    public let size: UInt64
    /// The root hash of the first ``size`` entries.
    public let rootHash: MerkleHash
    /// The log time of the checkpoint, in milliseconds since the Unix epoch.
    public let timeMs: UInt64
    /// The whole signed note text, exactly as signed and stored.
    public let note: String
    /// The 4-byte key ID from the log's signature line (the first named after the origin).
    public let keyID: [UInt8]
    /// The 64-byte Ed25519 signature over ``body`` from that line.
    public let signature: [UInt8]

    /// The signed body: `origin\nsize\nb64(root)\ntime <ms>\n`.
    public var body: String { Self.body(origin: origin, size: size, rootHash: rootHash, timeMs: timeMs) }

    static func body(origin: String, size: UInt64, rootHash: MerkleHash, timeMs: UInt64) -> String {
        "\(origin)\n\(size)\n\(rootHash.base64)\ntime \(timeMs)\n"
    }

    /// The C2SP note key ID: the first 4 bytes of `SHA-256(name || 0x0A || 0x01 || publicKey)`.
    public static func keyID(origin: String, publicKey: [UInt8]) -> [UInt8] {
        Array(LogCrypto.sha256(Array(origin.utf8), [0x0A, 0x01], publicKey).prefix(4))
    }

    /// The C2SP signed-note verifier key string of an Ed25519 note key (SPEC §2.4):
    /// `<name>+<hex of the 4-byte key ID>+<b64(0x01 || publicKey)>`.
    public static func verifierKey(origin: String, publicKey: [UInt8]) -> String {
        "\(origin)+\(Hex.encode(keyID(origin: origin, publicKey: publicKey)))+\(Base64.encode([0x01] + publicKey))"
    }

    /// Signs a new checkpoint with the log key.
    static func sign(origin: String, size: UInt64, rootHash: MerkleHash, timeMs: UInt64, key: LogSigningKey) -> SignedCheckpoint {
        let body = body(origin: origin, size: size, rootHash: rootHash, timeMs: timeMs)
        let signature = key.sign(Array(body.utf8))
        let keyID = keyID(origin: origin, publicKey: key.publicKey)
        let note = body + "\n\u{2014} \(origin) \(Base64.encode(keyID + signature))\n"
        return SignedCheckpoint(
            origin: origin, size: size, rootHash: rootHash, timeMs: timeMs, note: note, keyID: keyID, signature: signature)
    }

    private init(origin: String, size: UInt64, rootHash: MerkleHash, timeMs: UInt64, note: String, keyID: [UInt8], signature: [UInt8]) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.timeMs = timeMs
        self.note = note
        self.keyID = keyID
        self.signature = signature
    }

    /// Parses a signed note in the form of SPEC §2.4. Does not check the signature. Signature
    /// lines by other names (witness cosignatures) are allowed, kept in ``note`` and ignored.
    /// - Throws: ``LogError/Code-swift.struct/malformedCheckpoint`` saying which part is wrong.
    public static func parse(note: String) throws -> SignedCheckpoint {
        func bad(_ what: String) -> LogError {
            LogError(.malformedCheckpoint, "The checkpoint is not a signed note in the form of SPEC §2.4: \(what). Copy the whole checkpoint text unchanged.")
        }
        guard note.utf8.last == 0x0A else { throw bad("it does not end with a newline") }
        let lines = note.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        // origin, size, root, time, "", then one or more signature lines.
        guard lines.count >= 6, lines[4].isEmpty else {
            throw bad("it must have four body lines, one empty line and at least one signature line")
        }
        let origin = lines[0]
        do { try LogOrigin.validate(origin) } catch { throw bad("the origin line is not a valid origin") }
        guard let size = Decimal64.parse(lines[1]) else { throw bad("the size line is not a decimal number") }
        guard let root = try? MerkleHash(base64: lines[2]) else { throw bad("the root line is not base64 of 32 bytes") }
        guard lines[3].hasPrefix("time "), let time = Decimal64.parse(String(lines[3].dropFirst(5))) else {
            throw bad("the fourth line is not \"time <milliseconds>\"")
        }
        var logSignature: [UInt8]? = nil
        for line in lines[5...] {
            guard line.hasPrefix("\u{2014} ") else { throw bad("a signature line does not start with \u{2014} and a space") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, let blob = Base64.decodeCanonical(String(fields[1])), blob.count > 4 else {
                throw bad("a signature line is not \u{2014} <name> <base64>")
            }
            if logSignature == nil, fields[0] == origin {
                guard blob.count == 68 else { throw bad("the log's signature is not base64 of a 4-byte key ID and a 64-byte signature") }
                logSignature = blob
            }
        }
        guard let blob = logSignature else { throw bad("no signature line carries the origin's name") }
        return SignedCheckpoint(
            origin: origin, size: size, rootHash: root, timeMs: time, note: note,
            keyID: Array(blob[0..<4]), signature: Array(blob[4...]))
    }

    /// Checks the key ID and the Ed25519 signature against the log's public key.
    /// - Throws: ``LogError/Code-swift.struct/badCheckpointSignature`` if either does not match.
    public func verify(logKey: [UInt8]) throws {
        let expectedID = Self.keyID(origin: origin, publicKey: logKey)
        let message = Array(body.utf8)
        // Any line named after the origin with the log key's ID may carry the log's signature.
        let candidates = [(keyID, signature)] + Self.signatureLines(note).filter { $0.name == origin }.compactMap { line -> ([UInt8], [UInt8])? in
            line.blob.count == 68 ? (Array(line.blob[0..<4]), Array(line.blob[4...])) : nil
        }
        guard candidates.contains(where: { $0.0 == expectedID && LogCrypto.ed25519Verify(signature: $0.1, message: message, publicKey: logKey) })
        else {
            throw LogError(.badCheckpointSignature, "The checkpoint for \(size) entries is not signed by this log's key. It was altered or comes from another log; do not trust it.")
        }
    }

    /// The signature lines of a note already parsed by ``parse(note:)``.
    private static func signatureLines(_ note: String) -> [(name: Substring, blob: [UInt8])] {
        let lines = note.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        return lines.dropFirst(5).compactMap { line in
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, let blob = Base64.decodeCanonical(String(fields[1])) else { return nil }
            return (fields[0], blob)
        }
    }

    /// Parses a note and checks its signature and origin.
    /// - Throws: ``LogError`` if the note is malformed, for another origin, or not signed by `logKey`.
    public static func verified(note: String, origin: String, logKey: [UInt8]) throws -> SignedCheckpoint {
        let checkpoint = try parse(note: note)
        guard checkpoint.origin == origin else {
            throw LogError(.malformedCheckpoint, "The checkpoint belongs to log \"\(checkpoint.origin)\", not \"\(origin)\". Use a checkpoint from this log.")
        }
        try checkpoint.verify(logKey: logKey)
        return checkpoint
    }
}

/// Log origins (SPEC §2.4): the record's name, also the checkpoint key name.
public enum LogOrigin {
    /// Checks that `origin` is 1–255 printable ASCII characters other than space, `+`, `"` and `\`.
    /// - Throws: ``LogError/Code-swift.struct/invalidOrigin``.
    public static func validate(_ origin: String) throws {
        let bytes = Array(origin.utf8)
        guard (1...255).contains(bytes.count),
            bytes.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else {
            throw LogError(.invalidOrigin, "A log origin must be 1 to 255 printable ASCII characters without spaces, '+', '\"' or '\\', such as perennial.example/nancy-2026.")
        }
    }
}

/// Canonical unsigned decimals: digits only, no sign, no leading zeros (except "0"), ≤ UInt64.max.
enum Decimal64 {
    static func parse(_ text: String) -> UInt64? {
        parse(utf8: Array(text.utf8))
    }

    static func parse(utf8: some Collection<UInt8>) -> UInt64? {
        guard let first = utf8.first, !utf8.isEmpty, utf8.count <= 20 else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value: UInt64 = 0
        for char in utf8 {
            guard char >= 0x30 && char <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(char - 0x30))
            guard !o1 && !o2 else { return nil }
            value = a
        }
        return value
    }
}
