/// The format of term ids and contest ids (SPEC §4.1): 1 to 64 bytes of `a-z`, `0-9` and `-`, neither
/// starting nor ending with `-`.
public enum ElectionID {
    public static let rule = "1 to 64 characters of a-z, 0-9 and -, not starting or ending with -"

    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
