import CivicLog

/// `kiosk.enrol`: the officer registers a kiosk device and its Ed25519 public key (SPEC §4.9).
public struct KioskEnrol: ElectionPayload, Equatable {
    public static let kind = EntryKind.kioskEnrol
    /// The device's name (an id of SPEC §4.1: 1–64 bytes of `a-z`, `0-9`, `-`).
    public var device: String
    /// The device's public key, hex.
    public var key: String
    public init(device: String, key: String) { self.device = device; self.key = key }
    public var fields: [(String, OrderedJSON)] { [("device", .string(device)), ("key", .string(key))] }
}

/// `kiosk.revoke`: the officer withdraws a kiosk device for good (SPEC §4.9).
public struct KioskRevoke: ElectionPayload, Equatable {
    public static let kind = EntryKind.kioskRevoke
    public var device: String
    public init(device: String) { self.device = device }
    public var fields: [(String, OrderedJSON)] { [("device", .string(device))] }
}
