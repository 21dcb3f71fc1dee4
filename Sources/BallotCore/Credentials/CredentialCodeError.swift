/// Why a typed credential code, or the bytes for a new one, were refused.
///
/// A struct over a private enum (cases can be added). Messages name positions and counts, never the
/// characters typed: errors end up in logs, and a credential code is a secret.
public struct CredentialCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of a ``CredentialCodeError``, for programmatic handling.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The code does not have 20 characters (not counting spaces and dashes).
        public static let wrongLength = Kind("wrongLength")
        /// A character that cannot appear in a code was typed.
        public static let invalidCharacter = Kind("invalidCharacter")
        /// The two check characters do not match the other 18: a character is probably mistyped.
        public static let checksumMismatch = Kind("checksumMismatch")
        /// The random bytes given to make a new code are not exactly 12.
        public static let wrongSecretLength = Kind("wrongSecretLength")
    }

    enum Reason: Hashable, Sendable {
        case wrongLength(typed: Int)
        case invalidCharacter(position: Int)
        case checksumMismatch
        case wrongSecretLength(given: Int)
    }

    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    /// What kind of problem this is.
    public var kind: Kind {
        switch reason {
        case .wrongLength: .wrongLength
        case .invalidCharacter: .invalidCharacter
        case .checksumMismatch: .checksumMismatch
        case .wrongSecretLength: .wrongSecretLength
        }
    }

    /// For `.invalidCharacter`: the 1-based position of the character in the text as typed
    /// (spaces and dashes included), so a kiosk can highlight it; nil otherwise.
    public var position: Int? {
        if case .invalidCharacter(let position) = reason { return position }
        return nil
    }

    /// A sentence saying what was wrong and what to do, without the code's characters.
    public var description: String {
        switch reason {
        case .wrongLength(let typed):
            let count = typed == 0 ? "none" : String(typed)
            return "A credential code has \(CredentialCode.characterCount) characters; you typed \(count). "
                + "Spaces and dashes do not count. Check the code on your card and type it again."
        case .invalidCharacter(let position):
            return "Character \(position) of what you typed cannot appear in a credential code. "
                + "Codes use only the digits 0-9 and the letters A-Z except U "
                + "(I and L are read as 1, O as 0). Check that character on your card and type it again."
        case .checksumMismatch:
            return "This credential code does not check out: one character is probably mistyped. "
                + "Compare each group of five with your card and type it again."
        case .wrongSecretLength(let given):
            return "A credential code is made from exactly \(CredentialCode.secretByteCount) random bytes; "
                + "\(given) were given. Pass \(CredentialCode.secretByteCount) bytes from a cryptographic random source."
        }
    }
}
