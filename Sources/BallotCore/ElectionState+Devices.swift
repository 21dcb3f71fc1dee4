import CivicCrypto
import CivicLog
import Foundation

/// A kiosk device enrolled by the officer (`kiosk.enrol`, SPEC §4.9).
public struct KioskDevice: Sendable, Equatable {
    /// The device's name, unique in the term (also after revocation).
    public var name: String
    /// Its Ed25519 public key (32 bytes), unique in the term.
    public var key: [UInt8]
    /// The index of its `kiosk.enrol` entry.
    public var enrolledAt: Int
    /// The index of its `kiosk.revoke` entry, once revoked (then it may sign nothing more).
    public var revokedAt: Int?

    public var isActive: Bool { revokedAt == nil }
}

/// The kiosk devices (SPEC §4.9, checks `KSK-1`, `KSK-2`): who may sign a challenged ballot.
extension ElectionState {
    /// Checks a device name: an id of SPEC §4.1 (1 to 64 bytes of `a-z`, `0-9`, `-`, neither starting
    /// nor ending with `-`).
    public static func validDeviceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 64, bytes.first != 0x2D, bytes.last != 0x2D else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// The active (enrolled, not revoked) device holding `key`, if any.
    public func activeDevice(key: [UInt8]) -> KioskDevice? {
        guard let name = deviceNames[Hex.encode(key)], let device = devices[name], device.isActive else { return nil }
        return device
    }

    mutating func applyKioskEnrol(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try KioskEnrol.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        guard Self.validDeviceName(payload.device) else {
            throw ElectionError(.device, "A kiosk device name must be 1 to 64 characters among a-z, 0-9 and -, not starting or ending with -.")
        }
        guard let key = try? Hex.decode(payload.key), key.count == 32, Hex.encode(key) == payload.key,
              (try? Ed25519.PublicKey(rawRepresentation: key)) != nil else {
            throw ElectionError(.device, "The device key must be a valid 32-byte Ed25519 public key in lowercase hex.")
        }
        if let existing = devices[payload.device] {
            throw ElectionError(.device, existing.isActive
                ? "A kiosk named \"\(payload.device)\" is already enrolled. Pick another name."
                : "The kiosk name \"\(payload.device)\" belonged to a revoked device and cannot be used again. Pick another name.")
        }
        if let holder = deviceNames[payload.key] {
            throw ElectionError(.device, "This device key is already enrolled (as \"\(holder)\"). Each kiosk needs its own new key.")
        }
        guard !([setup.officer, setup.registrar] + setup.trusteeKeys).contains(payload.key), roll[payload.key] == nil else {
            throw ElectionError(.device, "A device key must not be the officer's, the registrar's, a trustee's or a credential's key.")
        }
        devices[payload.device] = KioskDevice(name: payload.device, key: key, enrolledAt: entry.index, revokedAt: nil)
        deviceNames[payload.key] = payload.device
        return .device
    }

    mutating func applyKioskRevoke(_ entry: ElectionEntry, setup: TermSetup) throws -> ElectionEffect {
        let payload = try KioskRevoke.decode(entry.payload)
        try requireAuthor(entry, is: setup.officer, role: "officer")
        guard var device = devices[payload.device] else {
            throw ElectionError(.device, "No kiosk named \"\(payload.device.prefix(64))\" is enrolled. Check the name (perennial kiosk list).")
        }
        guard device.isActive else {
            throw ElectionError(.device, "The kiosk \"\(payload.device)\" is already revoked.")
        }
        device.revokedAt = entry.index
        devices[payload.device] = device
        return .device
    }

    /// True if window number `window` of SOME birthday (eligibility aside) contains `date`: what a
    /// challenged ballot, which names no credential, is checked against (BAL-8).
    public func windowExists(_ window: Int, containing date: Date) -> Bool {
        guard let calendar else { return false }
        var birthdays: [Birthday] = []
        for month in 1...12 {
            let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            for day in 1...days { if let b = try? Birthday(month: month, day: day) { birthdays.append(b) } }
        }
        return birthdays.contains { b in
            calendar.window(containing: date, birthday: b, eligibleFrom: nil, eligibleUntil: nil)?.number == window
        }
    }
}
