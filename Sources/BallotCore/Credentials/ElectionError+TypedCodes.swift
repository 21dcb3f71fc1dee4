/// The words of the refusals of a code a person types: a credential code from a card, a tracking
/// code from a receipt. One template for both, so that the two read alike.
struct TypedCode: Sendable {
    let name: String
    let characterCount: Int
    /// The letters that cannot appear (all other letters and digits can, look-alikes read as digits).
    let excludedLetters: String
    /// How a position is counted, said after "what you typed".
    let positionNote: String
    /// Where the person reads the code.
    let source: String
    /// What to compare against the source when the check fails.
    let compare: String
    let lengthReason: ElectionError.Reason
    let characterReason: ElectionError.Reason
    let checksumReason: ElectionError.Reason

    static let credential = TypedCode(
        name: "credential code", characterCount: CredentialCode.characterCount, excludedLetters: "U", positionNote: "",
        source: "card", compare: "each group of five",
        lengthReason: .credentialCodeLength, characterReason: .credentialCodeCharacter, checksumReason: .credentialCodeChecksum)
    static let tracking = TypedCode(
        name: "tracking code", characterCount: TrackingCode.dataLength + 1, excludedLetters: "U and V",
        positionNote: " (not counting dashes)", source: "receipt", compare: "it character by character",
        lengthReason: .trackingCodeLength, characterReason: .trackingCodeCharacter, checksumReason: .trackingCodeChecksum)
}

/// The refusals of a typed code, or of the bytes for a new credential code. Messages name positions
/// and counts, never the characters typed: errors end up in logs, and a credential code is a secret.
extension ElectionError {
    static func wrongLength(of code: TypedCode, typed: Int) -> ElectionError {
        let count = typed == 0 ? "none" : String(typed)
        return ElectionError(code.lengthReason, "A \(code.name) has \(code.characterCount) characters; you typed \(count). "
            + "Spaces and dashes do not count. Check the code on your \(code.source) and type it again.")
    }

    static func invalidCharacter(of code: TypedCode, position: Int) -> ElectionError {
        ElectionError(code.characterReason, "Character \(position) of what you typed\(code.positionNote) cannot appear in a \(code.name). "
            + "Codes use only the digits 0-9 and the letters A-Z except \(code.excludedLetters) "
            + "(I and L are read as 1, O as 0). Check that character on your \(code.source) and type it again.", position: position)
    }

    static func checksumMismatch(of code: TypedCode) -> ElectionError {
        ElectionError(code.checksumReason, "This \(code.name) does not check out: one character is probably mistyped. "
            + "Compare \(code.compare) with your \(code.source) and type it again.")
    }

    static func credentialSecretLength(given: Int) -> ElectionError {
        ElectionError(.credentialSecretLength, "A credential code is made from exactly \(CredentialCode.secretByteCount) random bytes; "
            + "\(given) were given. Pass \(CredentialCode.secretByteCount) bytes from a cryptographic random source.")
    }
}
