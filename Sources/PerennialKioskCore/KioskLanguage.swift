import Foundation

/// The languages of the kiosk. French is the default (the kiosk was asked for by the Grand Nancy
/// workshops); English is available on the welcome screen or with `--lang en`.
public enum KioskLanguage: String, Sendable, CaseIterable {
    case french = "fr"
    case english = "en"
}
