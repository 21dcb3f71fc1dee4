import BallotCore
import CivicCrypto
import Foundation
import Testing

/// `kiosk.enrol` and `kiosk.revoke` (SPEC §4.9, KSK-1, KSK-2): every refusal rule, tried.
@Suite struct KioskDeviceRulesTests {
    typealias S = ElectionScenario<Ristretto255Group>
    static let at = "2026-12-03T08:30:00+01:00"

    func expectDeviceRefusal(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a refusal but the entry was accepted")
        } catch let error as ElectionError {
            #expect(error.reason == .device || error.reason == .notAuthorised, "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    func enrol(_ s: inout S, _ name: String, _ key: Ed25519.SigningKey, by author: Ed25519.SigningKey? = nil) throws {
        try s.apply(KioskEnrol(device: name, key: Hex.encode(key.publicKey.rawRepresentation)), by: author ?? s.officer, at: Self.at)
    }

    @Test func enrolThenRevokeIsRecorded() throws {
        var s = try S(group: .shared)
        let key = Ed25519.SigningKey.generate()
        try enrol(&s, "town-hall-1", key)
        #expect(s.state.activeDevice(key: key.publicKey.rawRepresentation)?.name == "town-hall-1")
        try s.apply(KioskRevoke(device: "town-hall-1"), by: s.officer, at: Self.at)
        #expect(s.state.activeDevice(key: key.publicKey.rawRepresentation) == nil)
        #expect(s.state.devices["town-hall-1"]?.revokedAt != nil)
    }

    @Test func onlyTheOfficerEnrolsAndRevokes() throws {
        var s = try S(group: .shared)
        let key = Ed25519.SigningKey.generate()
        expectDeviceRefusal { try enrol(&s, "k1", key, by: s.registrar) }
        try enrol(&s, "k1", key)
        expectDeviceRefusal { try s.apply(KioskRevoke(device: "k1"), by: s.registrar, at: Self.at) }
    }

    @Test func namesAndKeysAreUniqueForGood() throws {
        var s = try S(group: .shared)
        let key = Ed25519.SigningKey.generate()
        try enrol(&s, "k1", key)
        expectDeviceRefusal { try enrol(&s, "k1", Ed25519.SigningKey.generate()) }   // name taken
        expectDeviceRefusal { try enrol(&s, "k2", key) }                              // key taken
        try s.apply(KioskRevoke(device: "k1"), by: s.officer, at: Self.at)
        expectDeviceRefusal { try enrol(&s, "k1", Ed25519.SigningKey.generate()) }   // revoked name never again
        expectDeviceRefusal { try enrol(&s, "k3", key) }                              // revoked key never again
    }

    @Test func malformedNamesAndKeysAreRefused() throws {
        var s = try S(group: .shared)
        for bad in ["", "-k", "k-", "Kiosk", "kiosk_1", "kiosk 1", String(repeating: "k", count: 65), "kïosk"] {
            expectDeviceRefusal { try enrol(&s, bad, Ed25519.SigningKey.generate()) }
        }
        let hex = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        // The last one is 32 bytes of hex but not a point of the curve (small order: the identity).
        let identity = "01" + String(repeating: "0", count: 62)
        for badKey in [String(hex.dropLast(2)), hex.uppercased(), "zz" + hex.dropFirst(2), identity] {
            expectDeviceRefusal { try s.apply(KioskEnrol(device: "k1", key: badKey), by: s.officer, at: Self.at) }
        }
        #expect(s.state.devices.isEmpty)
    }

    @Test func roleKeysCannotBeDevices() throws {
        var s = try S(group: .shared)
        for key in [s.officer, s.registrar, s.trusteeKeys[0]] { expectDeviceRefusal { try enrol(&s, "k1", key) } }
        let voter = try s.enrol("03-10")
        expectDeviceRefusal { try enrol(&s, "k1", voter) }
        #expect(s.state.devices.isEmpty)
    }

    @Test func revokeOnlyAnActiveEnrolledDevice() throws {
        var s = try S(group: .shared)
        expectDeviceRefusal { try s.apply(KioskRevoke(device: "ghost"), by: s.officer, at: Self.at) }
        try enrol(&s, "k1", Ed25519.SigningKey.generate())
        try s.apply(KioskRevoke(device: "k1"), by: s.officer, at: Self.at)
        expectDeviceRefusal { try s.apply(KioskRevoke(device: "k1"), by: s.officer, at: Self.at) }
    }
}
