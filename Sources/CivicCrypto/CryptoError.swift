/// The one error type of `CivicCrypto`.
///
/// A struct over a private enum, so that new cases can be added without breaking callers. Match on
/// ``code``; show ``description`` to people. Messages never contain key material, plaintexts or
/// passphrases — only what kind of input was wrong and what to do next.
public struct CryptoError: Error, CustomStringConvertible, Hashable, Sendable {
    /// A stable, comparable category of ``CryptoError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// A C library call reported failure.
        public static let libraryFailure = Code("library-failure")
        /// Bytes that are not a valid group element of the named group.
        public static let invalidElement = Code("invalid-element")
        /// Bytes that are not a canonical scalar of the named group.
        public static let invalidScalar = Code("invalid-scalar")
        /// Input of the wrong length.
        public static let invalidLength = Code("invalid-length")
        /// Text that is not lowercase/uppercase hexadecimal.
        public static let invalidHex = Code("invalid-hex")
        /// A parameter outside its allowed range (threshold, trustee index, bound…).
        public static let invalidParameter = Code("invalid-parameter")
        /// Authenticated decryption failed: wrong key, wrong passphrase, or altered data.
        public static let decryptionFailed = Code("decryption-failed")
        /// A discrete logarithm was not found within the given bound.
        public static let logarithmNotFound = Code("logarithm-not-found")
        /// A scalar that must be invertible was zero.
        public static let notInvertible = Code("not-invertible")
        /// A zero-knowledge proof did not verify.
        public static let invalidProof = Code("invalid-proof")
    }

    private enum Kind: Hashable, Sendable {
        case libraryFailure(operation: String)
        case invalidElement(group: String, reason: String)
        case invalidScalar(group: String, reason: String)
        case invalidLength(what: String, expected: Int, actual: Int)
        case invalidHex(what: String)
        case invalidParameter(String)
        case decryptionFailed(what: String)
        case logarithmNotFound(bound: Int)
        case notInvertible(what: String)
        case invalidProof(kind: String, reason: String)
    }

    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// The category of this error.
    public var code: Code {
        switch kind {
        case .libraryFailure: .libraryFailure
        case .invalidElement: .invalidElement
        case .invalidScalar: .invalidScalar
        case .invalidLength: .invalidLength
        case .invalidHex: .invalidHex
        case .invalidParameter: .invalidParameter
        case .decryptionFailed: .decryptionFailed
        case .logarithmNotFound: .logarithmNotFound
        case .notInvertible: .notInvertible
        case .invalidProof: .invalidProof
        }
    }

    public var description: String {
        switch kind {
        case .libraryFailure(let operation):
            "The cryptographic library refused the operation '\(operation)'. The input may be corrupt; "
                + "if it persists, check the installed libsodium/GMP."
        case .invalidElement(let group, let reason):
            "Not a valid \(group) group element (\(reason)). The data was altered or belongs to another group."
        case .invalidScalar(let group, let reason):
            "Not a valid \(group) scalar (\(reason)). The data was altered or belongs to another group."
        case .invalidLength(let what, let expected, let actual):
            "\(what) must be \(expected) bytes long, but \(actual) were given."
        case .invalidHex(let what):
            "\(what) is not valid hexadecimal text."
        case .invalidParameter(let message):
            message
        case .decryptionFailed(let what):
            "Could not open \(what): wrong key or passphrase, or the data was altered."
        case .logarithmNotFound(let bound):
            "The decrypted value is not an integer between 0 and \(bound); the tally bound is too small "
                + "or the inputs are inconsistent."
        case .notInvertible(let what):
            "\(what) is zero and has no inverse."
        case .invalidProof(let kind, let reason):
            "The \(kind) proof does not verify (\(reason)). The record was altered or the proof was made for other data."
        }
    }

    static func libraryFailure(_ operation: String) -> CryptoError { .init(.libraryFailure(operation: operation)) }
    static func invalidElement(_ group: String, _ reason: String) -> CryptoError {
        .init(.invalidElement(group: group, reason: reason))
    }
    static func invalidScalar(_ group: String, _ reason: String) -> CryptoError {
        .init(.invalidScalar(group: group, reason: reason))
    }
    static func invalidLength(_ what: String, expected: Int, actual: Int) -> CryptoError {
        .init(.invalidLength(what: what, expected: expected, actual: actual))
    }
    static func invalidHex(_ what: String) -> CryptoError { .init(.invalidHex(what: what)) }
    static func invalidParameter(_ message: String) -> CryptoError { .init(.invalidParameter(message)) }
    static func decryptionFailed(_ what: String) -> CryptoError { .init(.decryptionFailed(what: what)) }
    static func logarithmNotFound(bound: Int) -> CryptoError { .init(.logarithmNotFound(bound: bound)) }
    static func notInvertible(_ what: String) -> CryptoError { .init(.notInvertible(what: what)) }
    static func invalidProof(_ kind: String, _ reason: String) -> CryptoError { .init(.invalidProof(kind: kind, reason: reason)) }
}

/// The one funnel through which every C return code passes.
///
/// libsodium and GMP signal success with `0` for the calls routed here; anything else becomes the
/// given error (by default ``CryptoError/Code/libraryFailure``). No call site compares raw integers.
/// - Parameters:
///   - returnCode: the C function's result.
///   - operation: the C function's name, for the message (never data).
///   - error: the error to throw instead of the generic library failure.
@inline(__always)
func check(_ returnCode: Int32, _ operation: @autoclosure () -> String, or error: @autoclosure () -> CryptoError? = nil)
    throws(CryptoError)
{
    if returnCode != 0 {
        throw error() ?? CryptoError.libraryFailure(operation())
    }
}

/// Checks a length before any slicing, so short input is an error and never a crash.
@inline(__always)
func checkLength(_ actual: Int, _ expected: Int, _ what: @autoclosure () -> String) throws(CryptoError) {
    if actual != expected { throw CryptoError.invalidLength(what(), expected: expected, actual: actual) }
}

/// For C calls that cannot fail on valid in-memory input (hashing, fixed-size key derivation): routes
/// the code through ``check(_:_:or:)`` and stops the process if the library breaks its contract.
@inline(__always)
func checkInfallible(_ returnCode: Int32, _ operation: @autoclosure () -> String) {
    do { try check(returnCode, operation()) } catch { preconditionFailure(error.description) }
}
