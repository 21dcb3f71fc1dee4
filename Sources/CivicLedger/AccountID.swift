import CivicCrypto

/// A citizen's pseudonymous ledger account, issued at enrolment: 16 symbols of Crockford base32
/// in four groups, e.g. `7K3M-2Q9D-XW4T-HB6R`, the last symbol a Luhn mod 32 check symbol so that
/// any single mistyped symbol and most swaps of neighbours are caught before hours are credited to
/// the wrong person.
///
/// - Important: an account id is the only thing the log knows about a citizen: never a name. Its
///   shape (digits and capitals, with a check symbol) leaves no room for one.
public struct AccountID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The canonical text form (`XXXX-XXXX-XXXX-XXXX`), as written in the log.
    public let text: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Parses an account id typed by a person: case, spaces and hyphens are ignored, and `O`, `I`,
    /// `L` are read as `0`, `1`, `1` (Crockford).
    /// - Throws: ``LedgerError`` (`malformed`) if it is not 16 symbols or its check symbol is wrong.
    public init(parsing input: String) throws {
        var values: [Int] = []
        for byte in input.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"): continue
            default:
                guard let value = Self.value(of: byte) else {
                    throw LedgerError(.malformed, check: "LED-0", "An account id has only digits and the letters of Crockford base32 (e.g. 7K3M-2Q9D-XW4T-HB6R). Check the citizen's card.")
                }
                values.append(value)
            }
        }
        guard values.count == 16 else {
            throw LedgerError(.malformed, check: "LED-0", "An account id has 16 symbols (e.g. 7K3M-2Q9D-XW4T-HB6R); this one has \(values.count). Check the citizen's card.")
        }
        guard Self.checkSum(values) == 0 else {
            throw LedgerError(.malformed, check: "LED-0", "This account id has a typing mistake (its check symbol does not match). Check the citizen's card.")
        }
        text = Self.format(values)
    }

    /// Accepts only the canonical form (as the log must hold it).
    /// - Throws: ``LedgerError`` (`malformed`) otherwise.
    public init(canonical text: String) throws {
        let parsed = try AccountID(parsing: text)
        guard parsed.text == text else {
            throw LedgerError(.malformed, check: "LED-0", "An account id in an entry must be written XXXX-XXXX-XXXX-XXXX in capitals.")
        }
        self = parsed
    }

    private init(values: [Int]) { text = Self.format(values) }

    /// A fresh random account id (for enrolment).
    public static func random() -> AccountID {
        let bytes = SecureRandom.bytes(15)
        var values = bytes.map { Int($0) & 31 }
        values.append(checkSymbol(for: values))
        return AccountID(values: values)
    }

    /// The account id for a number (demos and tests only: such ids are guessable).
    public static func numbered(_ number: Int) -> AccountID {
        var values: [Int] = []
        var rest = number
        for _ in 0..<15 {
            values.append(rest & 31)
            rest >>= 5
        }
        values.reverse()
        values.append(checkSymbol(for: values))
        return AccountID(values: values)
    }

    public var description: String { text }
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.text < rhs.text }

    static func value(of byte: UInt8) -> Int? {
        var b = byte
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
        switch b {
        case UInt8(ascii: "O"): return 0
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return 1
        default: return alphabet.firstIndex(of: b)
        }
    }

    static func format(_ values: [Int]) -> String {
        var out = ""
        for (i, v) in values.enumerated() {
            if i > 0 && i % 4 == 0 { out += "-" }
            out.unicodeScalars.append(Unicode.Scalar(alphabet[v]))
        }
        return out
    }

    /// Luhn mod 32 over `values` (check symbol last); 0 when valid.
    static func checkSum(_ values: [Int]) -> Int {
        var factor = 1
        var sum = 0
        for v in values.reversed() {
            var addend = factor * v
            factor = factor == 2 ? 1 : 2
            addend = addend / 32 + addend % 32
            sum += addend
        }
        return sum % 32
    }

    /// The Luhn mod 32 check symbol for the 15 leading values.
    static func checkSymbol(for values: [Int]) -> Int {
        var factor = 2
        var sum = 0
        for v in values.reversed() {
            var addend = factor * v
            factor = factor == 2 ? 1 : 2
            addend = addend / 32 + addend % 32
            sum += addend
        }
        return (32 - sum % 32) % 32
    }
}
