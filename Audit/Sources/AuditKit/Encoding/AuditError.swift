/// The one error type of AuditKit: what was wrong, in words an observer understands.
///
/// Verification failures of the record are *not* errors: they are findings, collected in a
/// ``Report``. An `AuditError` means an input could not be read or decoded at all.
public struct AuditError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case malformed
        case unreadable
        case invalidGroupElement
        case invalidScalar
        case crypto
    }
    let kind: Kind
    /// A one-line explanation.
    public let message: String

    public var description: String { message }

    static func malformed(_ message: String) -> AuditError { AuditError(kind: .malformed, message: message) }
    static func unreadable(_ message: String) -> AuditError { AuditError(kind: .unreadable, message: message) }
    static func invalidElement(_ message: String) -> AuditError { AuditError(kind: .invalidGroupElement, message: message) }
    static func invalidScalar(_ message: String) -> AuditError { AuditError(kind: .invalidScalar, message: message) }
    static func crypto(_ message: String) -> AuditError { AuditError(kind: .crypto, message: message) }

    /// True when the input is not a readable record at all (exit code 2).
    public var isUnreadable: Bool { kind == .unreadable }
}
