import ArgumentParser
import BallotCore
import CivicCrypto
import Foundation
import Perennial

/// `perennial kiosk enrol|revoke|list`: the officer's register of kiosk devices (SPEC §4.9).
struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk", abstract: "Enrol, revoke and list the term's kiosk devices.",
        discussion: """
            Each kiosk holds its own Ed25519 device key; the officer enrols its public key in the log. \
            The kiosk signs challenged ballots with it (so they name no voter). A revoked kiosk may sign nothing more, \
            and its name is never used again.
            """,
        subcommands: [Enrol.self, Revoke.self, List.self])

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a kiosk's device key file (mode 0600) and enrol its public key (signed by the officer).")
        @OptionGroup var node: NodeOptions
        @Option(help: "The kiosk's name: 1 to 64 characters among a-z, 0-9 and - (e.g. town-hall-1).") var device: String
        @Option(help: ArgumentHelp("Where to create the device key file; it must not exist yet (never overwritten).", valueName: "file"))
        var keyOut: String

        func validate() throws {
            guard ElectionState<Ristretto255Group>.validDeviceName(device) else {
                throw ValidationError("--device must be 1 to 64 characters among a-z, 0-9 and -, not starting or ending with - (e.g. town-hall-1).")
            }
        }

        func run() throws {
            let file = URL(fileURLWithPath: keyOut)
            guard !FileManager.default.fileExists(atPath: file.path) else {
                throw Refusal("\(keyOut) already exists; a key file is never overwritten. Choose another --key-out file.")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.deletingLastPathComponent().path, isDirectory: &isDirectory),
                  isDirectory.boolValue else {
                throw Refusal("The directory of \(keyOut) does not exist. Create it first, or choose another --key-out file.")
            }
            let n = try node.open(throughServer: true)
            let (enrolled, entry) = try n.enrolKiosk(device: device, keyFile: file)
            let key = Hex.encode(enrolled.key)
            node.emit(["Kiosk \(device) is enrolled (entry \(entry.index)), public key \(key).",
                       "Its device key is in \(keyOut) (mode 0600): copy it to the kiosk and start it with `perennial-kiosk --device-key FILE`."],
                      json: ["device": device, "key": key, "index": entry.index, "key_file": keyOut])
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a kiosk for good (signed by the officer).")
        @OptionGroup var node: NodeOptions
        @Option(help: "The kiosk's name.") var device: String

        func run() throws {
            let entry = try node.open(throughServer: true).revokeKiosk(device: device)
            node.emit(["Kiosk \(device) is revoked (entry \(entry.index)); it can sign nothing more, and its name is not used again."],
                      json: ["device": device, "index": entry.index])
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the kiosks ever enrolled in the term.")
        @OptionGroup var node: NodeOptions

        func run() throws {
            let devices = try node.open().kioskDevices
            let text = devices.isEmpty ? ["No kiosk is enrolled yet (perennial kiosk enrol)."] : devices.map { d in
                "\(d.name)  \(Hex.encode(d.key))  enrolled at entry \(d.enrolledAt)"
                    + (d.revokedAt.map { ", revoked at entry \($0)" } ?? ", active")
            }
            node.emit(text, json: ["devices": devices.map { d in
                ["device": d.name, "key": Hex.encode(d.key), "enrolled": d.enrolledAt, "revoked": d.revokedAt as Any? ?? NSNull()] as [String: Any]
            }])
        }
    }
}
