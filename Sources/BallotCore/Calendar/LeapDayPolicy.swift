/// Where a 29 February birthday's voting window opens in a common (non-leap) year.
///
/// The raw values are the term settings' text form.
public enum LeapDayPolicy: String, Codable, Sendable, CaseIterable {
    /// Open on 28 February (the default): the window stays in February.
    case february28 = "feb28"
    /// Open on 1 March: the window opens the day after 28 February, as if 29 February existed.
    case march1 = "mar1"
}
