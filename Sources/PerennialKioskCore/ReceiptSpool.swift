import CivicLog
import Foundation
import Perennial
#if canImport(Glibc)
import Glibc
#endif

/// The receipt printer's spool directory, shared by the kiosk over a local node and over the
/// network: `receipt-<index>-<code>.json` (what the audit verifies, mode 0644: nothing secret) and
/// the printouts `….58mm.txt` and `….80mm.txt`. Each file appears whole (written under a dot-name,
/// then renamed), so a printer daemon never prints half a receipt.
public struct ReceiptSpool: Sendable {
    public var directory: URL
    public var termTitle: String
    public var checkAddress: String?

    public init(directory: URL, termTitle: String, checkAddress: String?) {
        self.directory = directory; self.termTitle = termTitle; self.checkAddress = checkAddress
    }

    /// Writes the receipt and its printouts; returns the JSON file.
    public func write(_ receipt: Receipt, trackingCode: String) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let base = "receipt-\(receipt.index)-\(trackingCode)"
        func put(_ name: String, _ text: String) throws -> URL {
            let final = directory.appendingPathComponent(name)
            let staging = directory.appendingPathComponent("." + name + ".part")
            guard fm.createFile(atPath: staging.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
                throw NodeError.kiosk(.technical)
            }
            guard rename(staging.path, final.path) == 0 else {
                try? fm.removeItem(at: staging)
                throw NodeError.kiosk(.technical)
            }
            return final
        }
        let json = try put(base + ".json", receipt.json() + "\n")
        for (paper, columns) in ReceiptPrintout.widths.sorted(by: { $0.key < $1.key }) {
            _ = try put(base + ".\(paper)mm.txt", ReceiptPrintout.text(
                columns: columns, termTitle: termTitle, trackingCode: trackingCode, index: receipt.index,
                checkpointSize: receipt.checkpoint.size, checkAddress: checkAddress))
        }
        return json
    }
}
