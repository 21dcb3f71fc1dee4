import CSodium

/// One-time libsodium initialisation.
///
/// `sodium_init()` returns 0 on first success, 1 if already initialised, -1 on failure. It is called
/// exactly once through a lazy static; every public entry point that calls libsodium goes through
/// ``ensureInitialized()`` first.
enum Sodium {
    private static let initResult: Int32 = sodium_init()

    @inline(__always)
    static func ensureInitialized() {
        // Failure here means the process cannot obtain randomness; nothing secure can continue.
        precondition(initResult >= 0, "libsodium could not be initialised (no source of randomness?)")
    }
}
