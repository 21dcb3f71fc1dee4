/// The **tracking code** of a ballot (SPEC §2.6): a short code a citizen can type and read aloud,
/// derived from `SHA-256(payload)` so that anyone can recompute it from the public record.
///
/// 12 data characters and 1 check character from a 31-symbol alphabet without look-alikes
/// (`0-9`, then `A-Z` without `I`, `L`, `O`, `U`, `V`), written in groups of 4, 4 and 5:
/// `7KQ2-M9XA-4TRZC`. The check character makes `Σ i·dᵢ ≡ 0 (mod 31)` over the 13 positions
/// (1-based), so any one mistyped character and any swap of two neighbours is caught. Reading is
/// case-insensitive, ignores `-`, spaces, `_` and `.`, and reads `O` as `0`, `I` and `L` as `1`.
public enum TrackingCode {
    /// The 31 symbols, by value.
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTWXYZ")
    static let dataLength = 12
    /// `31^12`: the data characters are the first 8 bytes of the hash, big-endian, modulo this.
    static let modulus: UInt64 = (0..<12).reduce(1) { acc, _ in acc * 31 }

    /// The tracking code of the ballot whose payload hashes to `hash` (`SHA-256(payload)`, 32 bytes),
    /// grouped `XXXX-XXXX-XXXXX`.
    public static func code(forHash hash: [UInt8]) -> String {
        precondition(hash.count >= 8, "a tracking code is made from a SHA-256 digest")
        var n = hash.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) } % modulus
        var digits = [Int](repeating: 0, count: dataLength)
        for i in stride(from: dataLength - 1, through: 0, by: -1) {
            digits[i] = Int(n % 31)
            n /= 31
        }
        let sum = digits.enumerated().reduce(0) { ($0 + ($1.offset + 1) * $1.element) % 31 }
        // 13·c ≡ −sum (mod 31); 13⁻¹ = 12 (mod 31).
        let check = ((31 - sum) % 31) * 12 % 31
        return group(String((digits + [check]).map { alphabet[$0] }))
    }

    /// The canonical form (`XXXX-XXXX-XXXXX`, upper case) of a typed code.
    /// - Throws: ``ElectionError`` (`.trackingCodeLength`, `.trackingCodeCharacter` with its
    ///   ``ElectionError/position`` not counting separators, or `.trackingCodeChecksum`).
    public static func normalise(_ typed: String) throws(ElectionError) -> String {
        var values: [Int] = []
        for ch in typed {
            if ch == "-" || ch == "_" || ch == "." || ch.isWhitespace { continue }
            values.append(value(of: ch) ?? -1)
        }
        guard values.count == dataLength + 1 else { throw .wrongLength(of: .tracking, typed: values.count) }
        if let bad = values.firstIndex(of: -1) { throw .invalidCharacter(of: .tracking, position: bad + 1) }
        let sum = values.enumerated().reduce(0) { ($0 + ($1.offset + 1) * $1.element) % 31 }
        guard sum == 0 else { throw .checksumMismatch(of: .tracking) }
        return group(String(values.map { alphabet[$0] }))
    }

    /// The value of a typed character, with the look-alikes read as what they look like.
    static func value(of ch: Character) -> Int? {
        let upper = Character(ch.uppercased())
        switch upper {
        case "O": return 0
        case "I", "L": return 1
        default: return alphabet.firstIndex(of: upper)
        }
    }

    static func group(_ s: String) -> String {
        let c = Array(s)
        return String(c[0..<4]) + "-" + String(c[4..<8]) + "-" + String(c[8...])
    }
}

