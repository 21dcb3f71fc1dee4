/// The entry points the command line calls.
public enum Audit {
    /// The per-kind checkers of SPEC.md version 1 (§4 and following).
    public static func defaultCheckers() -> [KindChecker] {
        let election = ElectionChecker()
        return [election, LedgerChecker(election: election), DeliberationChecker(election: election)]
    }

    /// Verifies a record directory with the default checkers.
    public static func verify(recordDirectory: String, options: VerifyOptions = VerifyOptions()) throws(AuditError) -> Report {
        try RecordVerifier(directory: recordDirectory, options: options, checkers: defaultCheckers()).verify()
    }
}
