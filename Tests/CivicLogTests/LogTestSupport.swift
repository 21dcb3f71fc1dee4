import CivicLog
import Foundation

/// Shared fixtures for CivicLog tests.
enum Fixture {
    static let origin = "perennial.example/test-2026"
    static let logSeed: [UInt8] = Array(repeating: 7, count: 32)
    static let authorSeed: [UInt8] = Array(repeating: 9, count: 32)

    static var logKey: LogSigningKey { try! LogSigningKey(rawRepresentation: logSeed) }
    static var author: AuthorSigningKey { try! AuthorSigningKey(rawRepresentation: authorSeed) }

    /// This test process's scratch directory, removed when the process exits.
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("civiclog-tests-\(getpid())", isDirectory: true)
        atexit { try? FileManager.default.removeItem(at: Fixture.scratch) }
        return url
    }()

    /// A fresh empty directory under this process's scratch directory.
    static func temporaryDirectory(_ name: String = #function) -> URL {
        let url = scratch
            .appendingPathComponent("\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `{"kind":<kind>,"record":<origin>,"n":<n>}` as UTF-8 bytes.
    static func payload(kind: String = "test.note", origin: String = Fixture.origin, n: Int = 0) -> [UInt8] {
        Array(#"{"kind":"\#(kind)","record":"\#(origin)","n":\#(n)}"#.utf8)
    }

    static func envelope(_ n: Int = 0, author: AuthorSigningKey = Fixture.author) -> EntryEnvelope {
        EntryEnvelope.sign(payload: payload(n: n), with: author)
    }

    static func store(
        _ directory: URL, clock: any LogClock = ManualClock(milliseconds: 1_767_225_600_000)
    ) throws -> LogStore {
        try LogStore(directory: directory, origin: origin, signingKey: logKey, clock: clock)
    }
}

/// A small seeded generator so property tests are repeatable (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
