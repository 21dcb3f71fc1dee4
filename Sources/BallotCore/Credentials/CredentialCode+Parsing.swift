import CivicCrypto

extension CredentialCode {
    /// Reads a code as a person typed it.
    ///
    /// Forgiving of what people type: upper or lower case; spaces, tabs, line breaks and dashes
    /// anywhere are ignored (and `_`, `.`); `I` and `L` are read as `1`, `O` as `0` (Crockford's rule). Any other
    /// character, `U` included, is refused.
    ///
    /// - Parameter text: what was typed, for example `7kq2m xw4pb 9trhd 3nve0`.
    /// - Throws: ``ElectionError``:
    ///   - `.credentialCodeCharacter` for the first character that cannot be part of a code, with its 1-based
    ///     ``ElectionError/position`` in `text` (spaces and dashes counted);
    ///   - `.credentialCodeLength` unless exactly 20 code characters were typed;
    ///   - `.credentialCodeChecksum` if the check characters do not match: a character is mistyped.
    public init(parsing text: String) throws(ElectionError) {
        // The refusal is carried out of the initializer closure (which cannot throw a typed error).
        var refusal: ElectionError?
        let code = SecureBytes(count: CredentialCode.characterCount) { code in
            var significant = 0
            var position = 0
            for character in text {
                position += 1
                if Self.isSeparator(character) { continue }
                guard let normalized = CredentialCode.normalize(character) else {
                    refusal = .invalidCharacter(of: .credential, position: position)
                    return
                }
                if significant < CredentialCode.characterCount { code[significant] = normalized }
                significant += 1
            }
            guard significant == CredentialCode.characterCount else {
                refusal = .wrongLength(of: .credential, typed: significant)
                return
            }
            let check = CredentialCode.checkValue(of: UnsafeRawBufferPointer(code))
            let typedCheck = CredentialCode.value(ofNormalized: code[CredentialCode.payloadCharacterCount]) * 32
                + CredentialCode.value(ofNormalized: code[CredentialCode.payloadCharacterCount + 1])
            if check != typedCheck { refusal = .checksumMismatch(of: .credential) }
        }
        if let refusal { throw refusal }
        self.init(normalizedStorage: code)
    }

    /// What people put between groups: `-`, `_`, `.` and white space (never part of a code).
    public static func isSeparator(_ character: Character) -> Bool {
        character == "-" || character == "_" || character == "." || character.isWhitespace
    }

    /// The canonical ASCII character for a typed one, or nil if it cannot appear in a code.
    static func normalize(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        var upper = ascii
        if upper >= UInt8(ascii: "a") && upper <= UInt8(ascii: "z") { upper -= 32 }
        switch upper {
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
        case UInt8(ascii: "O"): return UInt8(ascii: "0")
        case UInt8(ascii: "U"): return nil
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return upper
        default: return nil
        }
    }
}
