import Foundation

/// The paper receipt a kiosk's printer prints (plain text, French then English), for 58 mm
/// (32 columns) and 80 mm (48 columns) thermal paper. It carries the tracking code and where to
/// check it; the JSON receipt beside it (SPEC §2.6) is what the audit verifies.
public enum ReceiptPrintout {
    /// Paper widths in characters.
    public static let widths = [58: 32, 80: 48]

    /// The receipt at `columns` characters per line; no line is longer, no word is cut.
    public static func text(columns: Int, termTitle: String, trackingCode: String, index: UInt64, checkpointSize: UInt64,
                            checkAddress: String?) -> String {
        let rule = String(repeating: "-", count: columns)
        func para(_ s: String) -> [String] { KioskRenderer.wrap(s, width: columns) }
        func centred(_ s: String) -> String { String(repeating: " ", count: max(0, (columns - s.count) / 2)) + s }
        var lines = [rule] + para(termTitle) + [rule]
        lines += para("Vote enregistré - Vote recorded")
        lines.append("")
        lines += para("Code de suivi / Tracking code :")
        lines.append(centred(trackingCode))
        lines.append("")
        lines += para("Registre public, entrée n° \(index) / public record, entry \(index).")
        if checkpointSize > 0 { lines += para("Registre signé à \(checkpointSize) entrées / signed at \(checkpointSize) entries.") }
        lines.append("")
        lines += para("Vérifiez que votre vote est compté : tapez ce code sur " + (checkAddress ?? "le site de la ville, page « Vérifier mon bulletin »") + ".")
        lines += para("Check that your vote counts: type this code on " + (checkAddress ?? "the city's website, page \"Check my ballot\"") + ".")
        lines += para("Ce reçu ne dit pas pour qui vous avez voté. / This receipt does not show how you voted.")
        lines.append(rule)
        return lines.joined(separator: "\n") + "\n"
    }
}
