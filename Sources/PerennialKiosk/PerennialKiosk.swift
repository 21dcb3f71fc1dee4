import ArgumentParser

/// `perennial-kiosk` — the citizens' terminal kiosk.
@main
struct PerennialKiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perennial-kiosk",
        abstract: "The citizens' voting kiosk (arrives with the kiosk issue).")
    func run() throws {
        throw ValidationError("The kiosk is not built yet: see issue 'The citizens' terminal kiosk'.")
    }
}
