import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialDemo

/// The node the load test runs against: the kiosk trial's term (a simulation fixed at `now`),
/// `kiosks` enrolled kiosk devices and `citizens` citizens whose window opens today.
struct LoadFixture {
    static let nowISO = "2027-03-14T10:00:00+01:00"
    static let nowMs: UInt64 = 1_805_014_800_000

    let node: URL
    let codes: [String]
    let deviceKeys: [Ed25519.SigningKey]

    init(directory: URL, kiosks: Int, citizens: Int) throws {
        var options = KioskTrial.Options(output: directory)
        options.now = Date(timeIntervalSince1970: Double(Self.nowMs) / 1000)
        let summary = try KioskTrial(options: options).run()
        node = summary.node
        let opened = try Node(directory: node, clock: ManualClock(milliseconds: Self.nowMs))
        let registrar = Registrar(node: opened)
        let today = String(Self.nowISO.dropFirst(5).prefix(5))
        var codes: [String] = []
        for i in 0..<citizens {
            let issued = try registrar.enrol(person: "Load test citizen \(i)", birthday: today, eligibleFrom: nil, eligibleUntil: nil)
            guard let code = Self.code(in: issued.letter) else { throw NodeError("No code in a letter.") }
            codes.append(code)
        }
        self.codes = codes
        let keys = directory.appendingPathComponent("devices")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        deviceKeys = try (0..<kiosks).map { k in
            let file = keys.appendingPathComponent("kiosk-\(k).key")
            try opened.enrolKiosk(device: "load-kiosk-\(k)", keyFile: file)
            return try KeyFile.load(file)
        }
        _ = try opened.store.signCheckpoint()
    }

    /// The code printed in a letter (`XXXXX-XXXXX-XXXXX-XXXXX`).
    static func code(in letter: String) -> String? {
        for line in letter.split(separator: "\n") {
            let word = line.trimmingCharacters(in: .whitespaces)
            if word.count == 23, word.split(separator: "-").count == 4 { return word }
        }
        return nil
    }
}
