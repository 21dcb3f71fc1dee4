import CivicCrypto

/// The citizen's short tracking code for a ballot (SPEC §2.6): the first 70 bits of the ballot's
/// tracker `SHA-256(payload)` as 14 characters of Crockford base32, then 2 check characters,
/// written in four groups of four: `7KQ2-MXW4-PB9T-RH3N`.
///
/// The check value is `Σ (i + 1)·vᵢ mod 1021` over the 14 payload values (as for credential codes):
/// it catches every single mistyped character and every swap of two adjacent payload characters.
/// Reading is case- and separator-tolerant; `I` and `L` read as `1`, `O` as `0`.
public enum PublicTrackingCode {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let payloadCharacters = 14
    static let checkModulus = 1021

    /// The 14 payload characters for a 32-byte tracker (the shard key and the index's `code`).
    public static func payload(tracker: [UInt8]) -> String {
        var bits = 0
        var acc: UInt64 = 0
        var out = ""
        var bytes = tracker.makeIterator()
        while out.count < payloadCharacters {
            if bits < 5 { acc = acc << 8 | UInt64(bytes.next() ?? 0); bits += 8 }
            bits -= 5
            out.append(alphabet[Int((acc >> UInt64(bits)) & 31)])
        }
        return out
    }

    /// The full code, with its check characters and separators, for a tracker.
    public static func code(tracker: [UInt8]) -> String {
        let p = payload(tracker: tracker)
        let full = Array(p + checkCharacters(p))
        return stride(from: 0, to: 16, by: 4).map { String(full[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code of a ballot payload (`SHA-256(payload)`).
    public static func code(payload: [UInt8]) -> String { code(tracker: SHA256.hash(payload)) }

    static func checkCharacters(_ payload: String) -> String {
        var sum = 0
        for (i, c) in payload.enumerated() { sum += (i + 1) * alphabet.firstIndex(of: c)! }
        let check = sum % checkModulus
        return String([alphabet[check / 32], alphabet[check % 32]])
    }

    /// What a typed code says: its 14 payload characters, or why it cannot be a code.
    public enum Reading: Equatable, Sendable {
        case valid(payload: String)
        case wrongLength
        case badCharacter
        case checkMismatch
    }

    public static func read(_ typed: String) -> Reading {
        var chars: [Character] = []
        for ch in typed.uppercased() {
            if ch == " " || ch == "-" || ch == "." || ch == "\t" { continue }
            let c: Character = ch == "I" || ch == "L" ? "1" : ch == "O" ? "0" : ch
            guard alphabet.contains(c) else { return .badCharacter }
            chars.append(c)
        }
        guard chars.count == 16 else { return .wrongLength }
        let p = String(chars.prefix(14))
        guard checkCharacters(p) == String(chars.suffix(2)) else { return .checkMismatch }
        return .valid(payload: p)
    }
}
