import CivicCrypto
import Foundation
import Perennial

/// Connecting a kiosk to `perennial serve`, with one clear line for each way it can fail.
public enum RemoteKiosk {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads the device key and fetches the term (which proves the server accepts this device).
    public static func connect(server: String, deviceKey: String, receipts: URL) throws(Failure) -> RemoteKioskBackend {
        guard let url = URL(string: server) else { throw Failure(description: "--server \(server) is not a URL.") }
        let key: Ed25519.SigningKey
        do {
            key = try KeyFile.load(URL(fileURLWithPath: deviceKey))
        } catch {
            throw Failure(description: "The device key \(deviceKey) cannot be read (\(error)). Use the file `perennial kiosk enrol --key-out` wrote.")
        }
        do {
            return try RemoteKioskBackend(client: KioskClient(server: url, device: key), deviceKey: key, receiptsDirectory: receipts)
        } catch {
            switch error {
            case .rejected(let status, let wire) where status == 401 || status == 403:
                throw Failure(description: "The server \(server) refuses this kiosk: \(wire.error)")
            default:
                throw Failure(description: "Cannot use the server \(server): \(error). Check the URL and that `perennial serve` runs there.")
            }
        }
    }
}
