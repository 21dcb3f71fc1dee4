/// The refusals of a typed credential code, or of the bytes for a new one. Messages name positions
/// and counts, never the characters typed: errors end up in logs, and a credential code is a secret.
extension ElectionError {
    static func credentialCodeLength(typed: Int) -> ElectionError {
        let count = typed == 0 ? "none" : String(typed)
        return ElectionError(.credentialCodeLength, "A credential code has \(CredentialCode.characterCount) characters; you typed \(count). "
            + "Spaces and dashes do not count. Check the code on your card and type it again.")
    }

    static func credentialCodeCharacter(position: Int) -> ElectionError {
        ElectionError(.credentialCodeCharacter, "Character \(position) of what you typed cannot appear in a credential code. "
            + "Codes use only the digits 0-9 and the letters A-Z except U "
            + "(I and L are read as 1, O as 0). Check that character on your card and type it again.", position: position)
    }

    static let credentialCodeChecksum = ElectionError(.credentialCodeChecksum,
        "This credential code does not check out: one character is probably mistyped. "
            + "Compare each group of five with your card and type it again.")

    static func credentialSecretLength(given: Int) -> ElectionError {
        ElectionError(.credentialSecretLength, "A credential code is made from exactly \(CredentialCode.secretByteCount) random bytes; "
            + "\(given) were given. Pass \(CredentialCode.secretByteCount) bytes from a cryptographic random source.")
    }
}
