import CivicCrypto
import Foundation
import Perennial

/// Connecting a kiosk to `perennial serve`, with one clear line for each way it can fail.
public enum RemoteKiosk {
    /// Loads the device key and fetches the term (which proves the server accepts this device).
    public static func connect(server: String, deviceKey: String, receipts: URL) throws(RemoteError) -> RemoteKioskBackend {
        guard let url = URL(string: server) else { throw RemoteError(.serverAddress, "--server \(server) is not a URL.") }
        let key: Ed25519.SigningKey
        do {
            key = try KeyFile.load(URL(fileURLWithPath: deviceKey))
        } catch {
            throw RemoteError(.deviceKey, "The device key \(deviceKey) cannot be read (\(error)). Use the file `perennial kiosk enrol --key-out` wrote.")
        }
        do {
            return try RemoteKioskBackend(client: KioskClient(server: url, device: key), deviceKey: key, receiptsDirectory: receipts)
        } catch {
            if error.reason == .rejected, error.status == 401 || error.status == 403 {
                throw .deviceRefused(server: server, error)
            }
            throw error.reworded("Cannot use the server \(server): \(error). Check the URL and that `perennial serve` runs there.")
        }
    }
}
