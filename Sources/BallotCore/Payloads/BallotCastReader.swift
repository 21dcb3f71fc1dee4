import CivicLog

/// `ballot.cast` read in one pass when it is exactly in the form the engine writes (``OrderedJSON``):
///
/// ```
/// {"kind":"ballot.cast","record":S,"term":S,"window":N,"contests":[{"contest":S,"version":N,
///  "selections":[{"a":S,"b":S,"c":[S…],"r":[S…],"t":[S…]}…],"range":{"c":[S…],"r":[S…],"t":[S…]}}…]}
/// ```
///
/// with no whitespace, every `S` a string of printable ASCII without escapes, every `N` a plain
/// non-negative integer (`0` or no leading zero, at most 15 digits) and `"t"` present or absent (never
/// null). A ballot is the payload every voter sends, so reading it is on the path of every cast.
///
/// It is only a fast path: anything else (whitespace, an escape, another key order, a missing or extra
/// key, a null, a number in another form, bytes after the object) returns nil, and
/// ``TermPayload/decode(_:)`` takes the general, strict path, which accepts every payload read here
/// and gives the same value: the two never disagree.
extension BallotCast {
    public static func decodePlain(_ bytes: [UInt8]) -> BallotCast? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PlainReader(buffer)
            return reader.ballot()
        }
    }
}

/// The cursor of ``BallotCast/decodePlain(_:)``: each method consumes exactly its token or returns nil.
private struct PlainReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func ballot() -> BallotCast? {
        guard take("{\"kind\":"), let kind = string(), kind == BallotCast.kind.rawValue,
              take(",\"record\":"), string() != nil,
              take(",\"term\":"), let term = string(),
              take(",\"window\":"), let window = integer(),
              take(",\"contests\":"), let contests = array({ $0.contest() }),
              take("}"), i == bytes.count else { return nil }
        return BallotCast(term: term, window: window, contests: contests)
    }

    mutating func contest() -> EncryptedContest? {
        guard take("{\"contest\":"), let name = string(),
              take(",\"version\":"), let version = integer(),
              take(",\"selections\":"), let selections = array({ $0.selection() }),
              take(",\"range\":{\"c\":"), let c = strings(),
              take(",\"r\":"), let r = strings() else { return nil }
        let t = optionalCommitments()
        guard t.ok, take("}}") else { return nil }
        return EncryptedContest(contest: name, version: version, selections: selections, range: RangeProofPayload(c: c, r: r, t: t.value))
    }

    mutating func selection() -> EncryptedSelection? {
        guard take("{\"a\":"), let a = string(),
              take(",\"b\":"), let b = string(),
              take(",\"c\":"), let c = strings(),
              take(",\"r\":"), let r = strings() else { return nil }
        let t = optionalCommitments()
        guard t.ok, take("}") else { return nil }
        return EncryptedSelection(a: a, b: b, c: c, r: r, t: t.value)
    }

    /// `,"t":[S…]` if present (the groups that carry commitments), nothing otherwise.
    mutating func optionalCommitments() -> (ok: Bool, value: [String]?) {
        guard take(",\"t\":") else { return (true, nil) }
        guard let t = strings() else { return (false, nil) }
        return (true, t)
    }

    mutating func strings() -> [String]? { array { $0.string() } }

    /// `[]` or `[x,x,…]`.
    mutating func array<T>(_ element: (inout PlainReader) -> T?) -> [T]? {
        guard take("[") else { return nil }
        var out: [T] = []
        if take("]") { return out }
        while true {
            guard let x = element(&self) else { return nil }
            out.append(x)
            if take("]") { return out }
            guard take(",") else { return nil }
        }
    }

    /// Consumes `literal` if the bytes at the cursor are exactly it.
    mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
        i += n
        return true
    }

    /// A string of printable ASCII other than `"` and `\`.
    mutating func string() -> String? { FlatPayload.string(bytes, &i) }

    /// `0` or a digit 1–9 followed by at most 14 digits.
    mutating func integer() -> Int? {
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            return i < bytes.count && Self.isDigit(bytes[i]) ? nil : 0
        }
        var value = 0
        var digits = 0
        while i < bytes.count, Self.isDigit(bytes[i]) {
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
            if digits > 15 { return nil }
        }
        return digits > 0 ? value : nil
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
