import CivicCrypto

/// The secret credential code printed on a citizen's card, from which the kiosk derives the
/// credential signing key (DESIGN §2).
///
/// Format: 20 characters of Crockford base32 (`0-9`, `A-Z` without `I`, `L`, `O`, `U`), shown as four
/// groups of five, such as `7KQ2M-XW4PB-9TRHD-3NVE0`:
/// - 18 payload characters carry 90 secret bits (the first 90 bits of 12 random bytes, big-endian,
///   5 bits per character);
/// - 2 check characters encode `Σ (i + 1)·vᵢ mod 1021` over the payload values `v₀…v₁₇`, as
///   `value / 32` then `value % 32`.
///
/// Because 1021 is prime, every weight `i + 1` and every weight difference is non-zero and below 1021,
/// and a change of one payload value by `d` (|d| ≤ 31) shifts the sum by at most 18·31 < 1021, the
/// check catches every single-character substitution and every swap of two adjacent characters
/// (also across the payload/check boundary, where a swap changes the sum by `50·d ≢ 0`).
///
/// Typing is forgiving: case is ignored, spaces and dashes are skipped, and `I`/`L` read as `1`,
/// `O` as `0` (see ``init(parsing:)``).
///
/// - Important: the code is a secret. `description`, `debugDescription` and reflection print
///   `CredentialCode(redacted)`; the characters live in a buffer that is zeroed when the last copy goes
///   away; errors never quote them. Read them only through ``withSecretBytes(_:)`` (to derive the key)
///   or ``revealForPrinting()`` (to print the card).
public struct CredentialCode: Sendable {
    /// Characters in a code, not counting the dashes.
    public static let characterCount = 20
    /// Characters carrying the secret.
    public static let payloadCharacterCount = 18
    /// Bits of secret in a code.
    public static let secretBitCount = 90
    /// Random bytes needed to make a code (their last 6 bits are not used).
    public static let secretByteCount = 12
    /// The modulus of the check value (prime, below 32² = 1024).
    static let checkModulus = 1021
    /// The 32 characters of Crockford base32, in value order.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The 20 normalised ASCII characters (upper case, no dashes).
    let storage: SecureBytes

    /// Wraps a buffer holding 20 normalised characters whose check characters have been verified.
    init(normalizedStorage storage: SecureBytes) {
        self.storage = storage
    }

    /// Makes the code for 12 random bytes.
    ///
    /// - Parameter secretBytes: exactly ``secretByteCount`` bytes from a cryptographic random source;
    ///   their first 90 bits become the payload. The caller's copy is not wiped: prefer
    ///   ``generate(using:)``, which never puts the random bytes in an ordinary array.
    /// - Throws: ``ElectionError`` (`.credentialSecretLength`) unless exactly 12 bytes are given.
    public init(secretBytes: some Collection<UInt8>) throws(ElectionError) {
        guard secretBytes.count == CredentialCode.secretByteCount else {
            throw ElectionError.credentialSecretLength(given: secretBytes.count)
        }
        self.init(normalizedStorage: CredentialCode.encode(random: SecureBytes(secretBytes)))
    }

    /// Makes a new code from a random source that fills a buffer in place, so the random bytes never
    /// sit in an ordinary array (for example libsodium's `randombytes_buf`).
    ///
    /// - Parameter fill: writes ``secretByteCount`` cryptographically random bytes into the buffer.
    public static func generate(
        using fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows -> CredentialCode {
        let random = try SecureBytes(count: secretByteCount, initializer: fill)
        return CredentialCode(normalizedStorage: encode(random: random))
    }

    /// Makes a new code with a random number generator. Use `SystemRandomNumberGenerator` (or a
    /// cryptographic source) in production; a seeded generator only in tests.
    public static func random(using generator: inout some RandomNumberGenerator) -> CredentialCode {
        generate { buffer in
            for index in buffer.indices { buffer[index] = generator.next() }
        }
    }

    /// Encodes the first 90 bits of `random` as 18 payload characters and adds the 2 check characters.
    static func encode(random: SecureBytes) -> SecureBytes {
        SecureBytes(count: characterCount) { code in
            random.withUnsafeBytes { random in
                for index in 0..<payloadCharacterCount {
                    var value = 0
                    for bit in (5 * index)..<(5 * index + 5) {
                        value = value << 1 | Int(random[bit / 8] >> (7 - UInt8(bit % 8)) & 1)
                    }
                    code[index] = alphabet[value]
                }
            }
            let check = checkValue(of: UnsafeRawBufferPointer(code))
            code[payloadCharacterCount] = alphabet[check / 32]
            code[payloadCharacterCount + 1] = alphabet[check % 32]
        }
    }

    /// `Σ (i + 1)·vᵢ mod 1021` over the 18 payload characters of a normalised code.
    static func checkValue(of code: UnsafeRawBufferPointer) -> Int {
        var sum = 0
        for index in 0..<payloadCharacterCount {
            sum += (index + 1) * value(ofNormalized: code[index])
        }
        return sum % checkModulus
    }

    /// The base32 value of a normalised character (one of ``alphabet``).
    static func value(ofNormalized character: UInt8) -> Int {
        // The alphabet is in ASCII order, so a binary search finds the value.
        var low = 0
        var high = alphabet.count - 1
        while low < high {
            let middle = (low + high) / 2
            if alphabet[middle] < character { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Lends the 20 normalised ASCII characters (upper case, no dashes), from which the engine derives
    /// the credential signing key.
    ///
    /// - Important: do not copy the bytes out of `body` into memory that is not wiped.
    public func withSecretBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// The code as printed on the card, `XXXXX-XXXXX-XXXXX-XXXXX`.
    ///
    /// - Important: the returned `String` cannot be wiped. Call this only to print the card, and do
    ///   not log, store or keep the result.
    public func revealForPrinting() -> String {
        var text: [UInt8] = []
        text.reserveCapacity(CredentialCode.characterCount + 3)
        storage.withUnsafeBytes { bytes in
            for (index, byte) in bytes.enumerated() {
                if index > 0 && index % 5 == 0 { text.append(UInt8(ascii: "-")) }
                text.append(byte)
            }
        }
        let printed = String(decoding: text, as: UTF8.self)
        text.withUnsafeMutableBytes { SecureBytes.wipe($0) }
        return printed
    }
}

extension CredentialCode: Equatable {
    /// Compares two codes in time independent of where they differ.
    public static func == (lhs: CredentialCode, rhs: CredentialCode) -> Bool {
        lhs.storage.withUnsafeBytes { left in
            rhs.storage.withUnsafeBytes { right in
                var difference: UInt8 = 0
                for index in 0..<CredentialCode.characterCount { difference |= left[index] ^ right[index] }
                return difference == 0
            }
        }
    }
}

extension CredentialCode: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `CredentialCode(redacted)`.
    public var description: String { "CredentialCode(redacted)" }
    /// Always `CredentialCode(redacted)`.
    public var debugDescription: String { description }
    /// An empty mirror, so `dump` and reflection show nothing of the secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
