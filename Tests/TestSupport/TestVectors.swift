import Foundation

/// Locates the published test vectors shipped in `Tests/TestVectors/` (copied from
/// `shared/testvectors/`, values unchanged) and decodes them.
public enum TestVectors {
    /// The directory holding the vector files.
    public static let directory: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("TestVectors", isDirectory: true)
    }()

    /// Reads and decodes one JSON vector file relative to ``directory``.
    public static func load<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Lowercase-or-uppercase hex to bytes; traps on malformed hex (vectors are trusted input).
    public static func bytes(hex: String) -> [UInt8] {
        precondition(hex.count % 2 == 0, "odd-length hex in a test vector")
        var out: [UInt8] = []
        out.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
