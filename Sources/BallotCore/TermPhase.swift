/// The life cycle of a term, as an explicit state machine.
public enum TermPhase: String, Sendable {
    case awaitingSetup, ceremony, open, closed, tallied
}
