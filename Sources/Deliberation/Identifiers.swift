import CivicCrypto

/// Checks the shape shared by every deliberation identifier: 1 to 64 characters among
/// `a-z`, `0-9` and `-`, not starting or ending with `-`.
func validateIdentifier(_ raw: String, what: String) throws {
    let bytes = Array(raw.utf8)
    let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    guard !bytes.isEmpty, bytes.count <= 64, allowed, bytes.first != 0x2D, bytes.last != 0x2D else {
        throw DeliberationError(
            .invalidIdentifier,
            "The \(what) identifier \"\(raw)\" is not valid: use 1 to 64 characters among a-z, 0-9 and "
                + "'-', not starting or ending with '-'.")
    }
}

/// A registered participant's identifier (a pseudonymous handle, never derived from a name).
///
/// The four identifier types are written out rather than generic so that each is its own type in APIs;
/// ``DeliberationIdentifier`` gives them their shared text form and order.
public struct ParticipantID: DeliberationIdentifier {
    /// The identifier text, e.g. `moments-invention-2016`.
    public let rawValue: String
    /// - Throws: ``DeliberationError/Code/invalidIdentifier`` when the text is not a valid identifier.
    public init(_ rawValue: String) throws {
        try validateIdentifier(rawValue, what: "participant")
        self.rawValue = rawValue
    }
}

/// A proposal's identifier; also the file name (`<id>.md`) in `Proposals/`.
public struct ProposalID: DeliberationIdentifier {
    public let rawValue: String
    /// - Throws: ``DeliberationError/Code/invalidIdentifier`` when the text is not a valid identifier.
    public init(_ rawValue: String) throws {
        try validateIdentifier(rawValue, what: "proposal")
        self.rawValue = rawValue
    }
}

/// An amendment's identifier, unique across the record.
public struct AmendmentID: DeliberationIdentifier {
    public let rawValue: String
    /// - Throws: ``DeliberationError/Code/invalidIdentifier`` when the text is not a valid identifier.
    public init(_ rawValue: String) throws {
        try validateIdentifier(rawValue, what: "amendment")
        self.rawValue = rawValue
    }
}

/// A comment's identifier, unique across the record.
public struct CommentID: DeliberationIdentifier {
    public let rawValue: String
    /// - Throws: ``DeliberationError/Code/invalidIdentifier`` when the text is not a valid identifier.
    public init(_ rawValue: String) throws {
        try validateIdentifier(rawValue, what: "comment")
        self.rawValue = rawValue
    }
}

/// A SHA-256 content hash (of a proposal version, an amendment or a comment).
public struct ContentHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 hash bytes.
    public let bytes: [UInt8]

    /// - Throws: ``DeliberationError/Code/invalidInput`` unless there are exactly 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw DeliberationError(.invalidInput, "A content hash has 32 bytes, not \(bytes.count).")
        }
        self.bytes = bytes
    }

    /// Parses 64 lowercase hexadecimal digits.
    /// - Throws: ``DeliberationError/Code/invalidInput`` for anything else.
    public init(hex: String) throws {
        guard hex.utf8.count == 64 else {
            throw DeliberationError(.invalidInput, "A content hash is 64 lowercase hex digits; got \(hex.utf8.count) characters.")
        }
        guard let out = Hex.decodeCanonical(hex) else {
            throw DeliberationError(.invalidInput, "A content hash is 64 lowercase hex digits (0-9, a-f).")
        }
        self.bytes = out
    }

    /// Lowercase hexadecimal, 64 digits.
    public var hex: String { Hex.encode(bytes) }

    /// The first 12 hex digits, enough to name a version to a reader.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }
}

/// What the four identifier types share: their text, shown as is and ordered by it.
public protocol DeliberationIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    var rawValue: String { get }
}

extension DeliberationIdentifier {
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
