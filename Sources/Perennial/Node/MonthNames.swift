/// Month names as citizens read them, in one place so the registrar's letter and the kiosk's screens
/// never spell a birthday differently ("1er mars" / "1 March": numbers alone read differently in French
/// and English).
public enum MonthNames {
    /// "janvier" … "décembre", indexed by month − 1.
    public static let french = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                                "novembre", "décembre"]
    /// "January" … "December", indexed by month − 1.
    public static let english = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                 "October", "November", "December"]
}
