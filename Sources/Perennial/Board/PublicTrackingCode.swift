import CivicCrypto

/// The citizen's tracking code of a ballot, exactly as SPEC §2.6 defines it (and as the kiosk's
/// `TrackingCode` prints it): `N = u64be(h[0..8]) mod 31^12` for the tracker `h = SHA-256(payload)`,
/// 12 base-31 symbols of `N` then a check symbol making `Σ i·dᵢ ≡ 0 (mod 31)`, in groups of 4, 4, 5.
/// The public board indexes ballots by the 13 symbols without separators.
public enum PublicTrackingCode {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTWXYZ")
    static let modulus: UInt64 = (0..<12).reduce(1) { acc, _ in acc * 31 }

    /// The 13 symbols (no separators) for a 32-byte tracker.
    public static func symbols(tracker h: [UInt8]) -> String {
        var n = h.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % modulus
        var digits = [Int](repeating: 0, count: 12)
        for i in stride(from: 11, through: 0, by: -1) {
            digits[i] = Int(n % 31)
            n /= 31
        }
        let sum = digits.enumerated().reduce(0) { ($0 + ($1.offset + 1) * $1.element) % 31 }
        let check = ((31 - sum) % 31) * 12 % 31
        return String((digits + [check]).map { alphabet[$0] })
    }

    /// The printed form `XXXX-XXXX-XXXXX`.
    public static func code(tracker: [UInt8]) -> String {
        let s = Array(symbols(tracker: tracker))
        return String(s[0..<4]) + "-" + String(s[4..<8]) + "-" + String(s[8...])
    }

    /// The code of a ballot payload (`SHA-256(payload)`).
    public static func code(payload: [UInt8]) -> String { code(tracker: SHA256.hash(payload)) }

    /// The 13 symbols of a typed code, or nil if it is not one (wrong length, bad symbol, failed check).
    public static func read(_ typed: String) -> String? {
        var values: [Int] = []
        for ch in typed.uppercased() {
            if ch == "-" || ch == "_" || ch == "." || ch.isWhitespace { continue }
            let c: Character = ch == "O" ? "0" : (ch == "I" || ch == "L") ? "1" : ch
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            values.append(v)
        }
        guard values.count == 13, values.enumerated().reduce(0, { ($0 + ($1.offset + 1) * $1.element) % 31 }) == 0 else { return nil }
        return String(values.map { alphabet[$0] })
    }
}
