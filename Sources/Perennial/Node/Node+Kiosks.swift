import BallotCore
import CivicCrypto
import CivicLog
import Foundation

/// Kiosk devices (SPEC §4.9): the officer enrols each kiosk's Ed25519 key in the log, and revokes it
/// for good. A device key signs the kiosk's challenged ballots (so they name no voter) and, through
/// `perennial serve`, its requests.
extension Node {
    /// The enrolled, not revoked, kiosk device holding `publicKey`, or nil (unknown or revoked).
    public func kioskDevice(publicKey: [UInt8]) -> KioskDevice? {
        locked { election?.activeDevice(key: publicKey) }
    }

    /// Every kiosk device ever enrolled in the term, active or revoked, by enrolment order.
    public var kioskDevices: [KioskDevice] {
        locked { (election?.kioskDevices.values).map { $0.sorted { $0.enrolledAt < $1.enrolledAt } } ?? [] }
    }

    /// Enrols a new kiosk: creates its key in `keyFile` (mode 0600, never overwriting a file), then
    /// appends `kiosk.enrol` signed by the officer. All or nothing: if the entry is refused, the key
    /// file is removed again.
    /// - Throws: ``NodeError`` or ``BallotCore/ElectionError`` (name taken, malformed name…).
    @discardableResult
    public func enrolKiosk(device: String, keyFile: URL) throws -> (device: KioskDevice, entry: LogEntry) {
        try locked {
            try catchUp()
            let setup = try termSetup()
            guard ElectionState<Ristretto255Group>.validDeviceName(device) else {
                throw NodeError("A kiosk device name must be 1 to 64 characters among a-z, 0-9 and -, not starting or ending with - (for example town-hall-1).")
            }
            if let existing = election?.kioskDevices[device] {
                throw NodeError(existing.isActive
                    ? "A kiosk named \"\(device)\" is already enrolled. Pick another name."
                    : "The kiosk name \"\(device)\" belonged to a revoked device and cannot be used again. Pick another name.")
            }
            let officer = try key("officer")
            let deviceKey = try KeyFile.createNew(keyFile)
            let payload = KioskEnrol(device: device, key: Hex.encode(deviceKey.publicKey.rawRepresentation))
                .payloadBytes(record: origin, term: setup.term)
            do {
                let entry = try submit(payload: payload, signer: officer)
                return (election!.kioskDevices[device]!, entry)
            } catch {
                try? FileManager.default.removeItem(at: keyFile)
                throw error
            }
        }
    }

    /// Revokes an enrolled kiosk for good: `kiosk.revoke` signed by the officer.
    /// - Throws: ``NodeError`` if no active kiosk has that name.
    @discardableResult
    public func revokeKiosk(device: String) throws -> LogEntry {
        try locked {
            try catchUp()
            let setup = try termSetup()
            guard let existing = election?.kioskDevices[device] else {
                throw NodeError("No kiosk named \"\(device.prefix(64))\" is enrolled. `perennial kiosk list` shows the enrolled kiosks.")
            }
            guard existing.isActive else { throw NodeError("The kiosk \"\(device)\" is already revoked; nothing to do.") }
            return try submit(payload: KioskRevoke(device: device).payloadBytes(record: origin, term: setup.term), signer: try key("officer"))
        }
    }

    /// The device name of the kiosk a simulation node enrols for itself.
    public static let simulationKioskName = "simulated-kiosk"

    /// On a SIMULATION node only: the key of its own kiosk device, `keys/kiosk.key`, created and
    /// enrolled (as ``simulationKioskName``) on first use, so that demos and trials need no officer
    /// step. A real node refuses: its kiosks are enrolled by the officer (`perennial kiosk enrol`).
    public func simulationKioskKey() throws -> Ed25519.SigningKey {
        try locked {
            guard isSimulation else {
                throw NodeError("This node runs a real term: pass the kiosk's enrolled device key with --device-key FILE (perennial kiosk enrol creates it).")
            }
            let file = directory.appendingPathComponent("keys/kiosk.key")
            if FileManager.default.fileExists(atPath: file.path) { return try KeyFile.load(file) }
            try enrolKiosk(device: Self.simulationKioskName, keyFile: file)
            return try KeyFile.load(file)
        }
    }
}
