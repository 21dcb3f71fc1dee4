/// One line of `entries.jsonl` (SPEC.md §2.2), decoded.
public struct Entry: Sendable, Equatable {
    public var index: UInt64
    /// Log time in milliseconds since the Unix epoch.
    public var time: UInt64
    /// The author's Ed25519 public key (32 bytes).
    public var author: [UInt8]
    /// Ed25519 signature over `"perennial-entry-v1\n" || payload` (64 bytes).
    public var signature: [UInt8]
    public var payload: [UInt8]
    /// For a **redacted** line (SPEC.md §2.2: a comment hidden by moderation): the entry's leaf hash,
    /// given instead of its signature; `payload` is then the stand-in payload without the text.
    public var redactedLeaf: [UInt8]? = nil

    public init(index: UInt64, time: UInt64, author: [UInt8], signature: [UInt8], payload: [UInt8]) {
        self.index = index
        self.time = time
        self.author = author
        self.signature = signature
        self.payload = payload
    }

    /// The domain-separation prefix of entry signatures.
    public static let signaturePrefix: [UInt8] = Array("perennial-entry-v1\n".utf8)

    /// The leaf data: `0x01 || u64be(time) || author || signature || u32be(len(payload)) || payload`.
    public var leafData: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + 8 + 32 + 64 + 4 + payload.count)
        out.append(0x01)
        out += Bytes.u64be(time)
        out += author
        out += signature
        out += Bytes.u32be(UInt32(payload.count))
        out += payload
        return out
    }

    /// `SHA-256(0x00 || leaf)`, or the leaf hash a redacted line gives.
    public var leafHash: [UInt8] { redactedLeaf ?? Merkle.leafHash(leafData) }

    /// True iff the author's signature over the payload verifies (never for a redacted line).
    public var signatureIsValid: Bool {
        redactedLeaf == nil && Ed25519.verify(signature: signature, message: Entry.signaturePrefix + payload, publicKey: author)
    }

    /// The line as SPEC.md writes it (without the newline): a redacted line when ``redactedLeaf`` is set.
    public var line: String {
        let middle = redactedLeaf.map { "\"redacted\":\"\(Hex.encode($0))\"" } ?? "\"signature\":\"\(Hex.encode(signature))\""
        return "{\"index\":\(index),\"time\":\(time),\"author\":\"\(Hex.encode(author))\",\(middle),\"payload\":\"\(Base64.encode(payload))\"}"
    }

    /// Parses a line, exactly: these keys in this order, no spaces, canonical decimals, lowercase hex,
    /// canonical base64.
    /// - Throws: ``AuditError`` saying which part of the line is wrong.
    public init<C: Collection>(line: C) throws(AuditError) where C.Element == UInt8, C.Index == Int {
        var cursor = LineCursor(bytes: line)
        try cursor.expect("{\"index\":")
        let index = try cursor.decimal("index")
        try cursor.expect(",\"time\":")
        let time = try cursor.decimal("time")
        try cursor.expect(",\"author\":\"")
        let author = try cursor.hex("author", length: 32)
        if cursor.accept("\",\"redacted\":\"") {
            let leaf = try cursor.hex("redacted", length: 32)
            try cursor.expect("\",\"payload\":\"")
            let payload = try cursor.base64("payload")
            try cursor.expect("\"}")
            guard cursor.atEnd else { throw .malformed("unexpected text after the closing brace") }
            self.init(index: index, time: time, author: author, signature: [], payload: payload)
            redactedLeaf = leaf
            return
        }
        try cursor.expect("\",\"signature\":\"")
        let signature = try cursor.hex("signature", length: 64)
        try cursor.expect("\",\"payload\":\"")
        let payload = try cursor.base64("payload")
        try cursor.expect("\"}")
        guard cursor.atEnd else { throw .malformed("unexpected text after the closing brace") }
        self.init(index: index, time: time, author: author, signature: signature, payload: payload)
    }
}

/// A strict left-to-right reader over one line of bytes.
struct LineCursor<C: Collection> where C.Element == UInt8, C.Index == Int {
    let bytes: C
    var pos: Int

    init(bytes: C) {
        self.bytes = bytes
        self.pos = bytes.startIndex
    }

    var atEnd: Bool { pos == bytes.endIndex }

    mutating func expect(_ literal: StaticString) throws(AuditError) {
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes.endIndex - pos >= lit.count, bytes[pos..<pos + lit.count].elementsEqual(lit) else {
            throw .malformed("expected `\(literal)` at byte \(pos - bytes.startIndex)")
        }
        pos += lit.count
    }

    /// Consumes `literal` if the bytes continue with it.
    mutating func accept(_ literal: StaticString) -> Bool {
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes.endIndex - pos >= lit.count, bytes[pos..<pos + lit.count].elementsEqual(lit) else { return false }
        pos += lit.count
        return true
    }

    mutating func decimal(_ field: String) throws(AuditError) -> UInt64 {
        let start = pos
        var value: UInt64 = 0
        while pos < bytes.endIndex, bytes[pos] >= 48, bytes[pos] <= 57 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[pos] - 48))
            guard !o1, !o2 else { throw .malformed("\"\(field)\" is too large") }
            value = a
            pos += 1
        }
        guard pos > start else { throw .malformed("\"\(field)\" must be a non-negative integer") }
        guard pos - start == 1 || bytes[start] != 48 else { throw .malformed("\"\(field)\" has a leading zero") }
        guard value < 1 << 63 else { throw .malformed("\"\(field)\" must be below 2^63") }
        return value
    }

    /// The bytes up to the next double quote (the field's text; no escapes are allowed in these fields).
    mutating func quoted() -> C.SubSequence {
        let start = pos
        while pos < bytes.endIndex, bytes[pos] != UInt8(ascii: "\"") { pos += 1 }
        return bytes[start..<pos]
    }

    mutating func hex(_ field: String, length: Int) throws(AuditError) -> [UInt8] {
        let text = quoted()
        do { return try Hex.decode(text, length: length) } catch {
            throw .malformed("\"\(field)\" must be \(length) bytes of lowercase hex")
        }
    }

    mutating func base64(_ field: String) throws(AuditError) -> [UInt8] {
        let text = quoted()
        do { return try Base64.decode(text) } catch {
            throw .malformed("\"\(field)\" is not canonical base64: \(error.message)")
        }
    }
}

/// The envelope every payload shares (SPEC.md §2.3): a JSON object whose first key is `kind` and
/// whose second is `record`.
public struct Payload: Sendable {
    public let kind: String
    public let record: String
    /// The whole object, keys in order.
    public let json: JSON

    /// Parses a payload and checks its envelope against the record's origin.
    /// - Throws: ``AuditError`` when it is not a JSON object starting with `kind` then `record`, or
    ///   `record` is not `origin`.
    public init(bytes: [UInt8], origin: String) throws(AuditError) {
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw .malformed("payload is not JSON: \(error.message)") }
        guard let members = json.objectMembers else { throw .malformed("payload is not a JSON object") }
        guard members.count >= 2, members[0].0 == "kind", members[1].0 == "record" else {
            throw .malformed("payload must start with the keys \"kind\" then \"record\"")
        }
        guard let kind = members[0].1.stringValue, !kind.isEmpty else { throw .malformed("payload \"kind\" must be a string") }
        guard let record = members[1].1.stringValue else { throw .malformed("payload \"record\" must be a string") }
        guard record == origin else {
            throw .malformed("payload belongs to record \"\(record)\", not \"\(origin)\" (replayed from another record?)")
        }
        self.kind = kind
        self.record = record
        self.json = json
    }
}
