/// Kiosk devices (SPEC.md §4.9, `KSK-1`, `KSK-2`) and the device rules of `ballot.spoil` (`BAL-8`).
struct KioskDeviceRecord {
    let name: String
    let key: [UInt8]
    var revoked: Bool
}

extension ElectionCore {
    /// A device name: 1 to 64 bytes of `a-z`, `0-9`, `-`, neither starting nor ending with `-` (§4.1).
    static func isValidDeviceName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard !b.isEmpty, b.count <= 64, b.first != 0x2D, b.last != 0x2D else { return false }
        return b.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// True if `key` belongs to an enrolled device that is not revoked.
    func isActiveDevice(_ key: [UInt8]) -> Bool {
        guard let name = deviceNames[key] else { return false }
        return devices[name]?.revoked == false
    }

    func kioskEnrol(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try fields.finish(["device", "key"])
            let name = try fields.string("device")
            guard Self.isValidDeviceName(name) else { throw .malformed("the device name is not an id of §4.1") }
            let key = try fields.hex("key", length: 32)
            guard isValidEd25519Key(key) else { throw .malformed("the device key is not a valid Ed25519 public key") }
            if let existing = devices[name] {
                throw .malformed(existing.revoked ? "the device name \"\(name)\" belonged to a revoked device" : "a device named \"\(name)\" is already enrolled")
            }
            guard deviceNames[key] == nil else { throw .malformed("the device key is already enrolled") }
            guard key != setup.officer, key != setup.registrar, !setup.trusteeKeys.contains(key), roll[key] == nil else {
                throw .malformed("the device key is the officer's, the registrar's, a trustee's or a credential's")
            }
            devices[name] = KioskDeviceRecord(name: name, key: key, revoked: false)
            deviceNames[key] = name
            report.record(.kioskEnrol, .entry(entry.index), failure: nil)
        } catch {
            report.record(.kioskEnrol, .entry(entry.index), failure: error.message)
        }
    }

    func kioskRevoke(_ entry: VerifiedEntry, _ fields: Fields, _ report: inout Report) {
        do throws(AuditError) {
            try fields.finish(["device"])
            let name = try fields.string("device")
            guard var device = devices[name] else { throw .malformed("no device named \"\(name.prefix(64))\" is enrolled") }
            guard !device.revoked else { throw .malformed("the device \"\(name)\" is already revoked") }
            device.revoked = true
            devices[name] = device
            report.record(.kioskRevoke, .entry(entry.index), failure: nil)
        } catch {
            report.record(.kioskRevoke, .entry(entry.index), failure: error.message)
        }
    }

    /// True if window `k` of SOME birthday (eligibility aside, clipped at `E`) contains log time `t`.
    func someWindowContains(_ window: Int, time logTime: UInt64) -> Bool {
        let time = Int64(logTime)
        for month in 1...12 {
            for day in 1...LocalDate.daysIn(year: 2024, month: month) {
                let text = (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
                guard let birthday = Birthday(text), let span = calendar.window(window, birthday: birthday, from: nil, until: nil) else { continue }
                if span.open <= time && time < span.close { return true }
            }
        }
        return false
    }

    func devicesJSON() -> JSON {
        .array(devices.values.sorted { byteOrder($0.name, $1.name) }.map {
            .object([("device", .string($0.name)), ("key", .string(Hex.encode($0.key))), ("revoked", .bool($0.revoked))])
        })
    }

    func restoreDevices(_ saved: JSON?) throws(AuditError) {
        for device in saved?.arrayValue ?? [] {
            guard let name = device["device"]?.stringValue, let key = device["key"]?.stringValue else { throw .malformed("saved election state: device") }
            let raw = try Hex.decode(key, length: 32)
            devices[name] = KioskDeviceRecord(name: name, key: raw, revoked: device["revoked"]?.boolValue ?? false)
            deviceNames[raw] = name
        }
    }
}
