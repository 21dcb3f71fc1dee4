import CivicLog
import Foundation
import Testing

@Suite("Durability and concurrency")
struct CrashAndConcurrencyTests {
    /// The `log-crash-writer` executable built next to the test bundle.
    static var writerURL: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the bundle is a plain executable in the build directory; on macOS it is
        // `<build>/PerennialPackageTests.xctest/Contents/MacOS/…`.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("log-crash-writer").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("log-crash-writer")
    }

    /// Rebuilds the tree from the entries' own fields (not the stored hashes or nodes) and checks
    /// it against the stored leaf hashes, the store's roots and every checkpoint.
    static func audit(_ store: LogStore) throws {
        let size = try store.size()
        var tree = InMemoryMerkleTree()
        var lastTime: UInt64 = 0
        try store.forEachEntry(in: 0..<size) { entry in
            let leaf = MerkleTree.leafHash(entry.envelope.leafData(timeMs: entry.timeMs))
            #expect(leaf == entry.leafHash)
            #expect(entry.envelope.hasValidSignature)
            #expect(entry.timeMs >= lastTime)
            lastTime = entry.timeMs
            tree.append(leafHash: leaf)
        }
        #expect(try store.root(atSize: size) == tree.root)
        for checkpoint in try store.checkpoints() {
            try checkpoint.verify(logKey: store.logKey)
            #expect(try MerkleTree.root(size: checkpoint.size, source: tree) == checkpoint.rootHash)
        }
    }

    @Test func acknowledgedEntriesSurviveSIGKILL() throws {
        let writer = Self.writerURL
        guard FileManager.default.isExecutableFile(atPath: writer.path) else {
            Issue.record("log-crash-writer is not built next to the tests; run `swift build` first")
            return
        }
        let directory = Fixture.temporaryDirectory()
        let seedHex = Fixture.logSeed.map { String(format: "%02x", $0) }.joined()
        var rng = SeededGenerator(seed: 20_261_121)
        var acknowledged: [UInt64: String] = [:]
        var lastCheckpointSize: UInt64 = 0
        var totalKills = 0
        for trial in 0..<50 {
            let process = Process()
            process.executableURL = writer
            process.arguments = [directory.path, Fixture.origin, seedHex, String(rng.next() >> 1)]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first trials die while opening or creating the store; later ones mid-append.
            let delay = trial < 5 ? UInt32.random(in: 0..<20_000, using: &rng) : UInt32.random(in: 20_000..<250_000, using: &rng)
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "the writer exited by itself (status \(process.terminationStatus))")
            totalKills += 1
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let fields = line.split(separator: " ")
                guard fields.count == 3, let number = UInt64(fields[1]) else { continue }
                if fields[0] == "A" { acknowledged[number] = String(fields[2]) }
                if fields[0] == "C" { lastCheckpointSize = max(lastCheckpointSize, number) }
            }

            let store = try Fixture.store(directory)
            let size = try store.size()
            #expect(size >= UInt64(acknowledged.count), "trial \(trial): lost acknowledged entries")
            for (index, leaf) in acknowledged where index >= size - 1 || trial % 10 == 0 {
                #expect(try store.entry(at: index).leafHash.hex == leaf, "trial \(trial): entry \(index) changed")
            }
            let latest = try store.latestCheckpoint()
            #expect((latest?.size ?? 0) >= lastCheckpointSize, "trial \(trial): lost an acknowledged checkpoint")
            if let latest {
                #expect(try store.root(atSize: latest.size) == latest.rootHash)
            }
            if trial % 10 == 9 { try Self.audit(store) }
            // Appends continue where the log stopped.
            let next = try store.append(Fixture.envelope(trial))
            #expect(next.index == size)
            acknowledged[next.index] = next.leafHash.hex
        }
        #expect(totalKills == 50)
        let store = try Fixture.store(directory)
        try store.signCheckpoint()
        try Self.audit(store)
        for (index, leaf) in acknowledged { #expect(try store.entry(at: index).leafHash.hex == leaf) }
        #expect(acknowledged.count > 100, "the writer should have acknowledged entries")
        print("crash test: 50 SIGKILLs, \(acknowledged.count) acknowledged entries, final size \(try store.size()), last acknowledged checkpoint \(lastCheckpointSize)")
    }

    /// Two stores on one directory, written from several threads at once: indices stay unique and
    /// gap-free, and the tree is consistent.
    @Test func concurrentWritersNeverShareAnIndex() throws {
        let directory = Fixture.temporaryDirectory()
        let stores = [try Fixture.store(directory, clock: SystemClock()), try Fixture.store(directory, clock: SystemClock())]
        let perWorker = 40
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let store = stores[worker % 2]
            let author = AuthorSigningKey.generate()
            for n in 0..<perWorker {
                do {
                    let payload = Fixture.payload(n: worker * 1000 + n)
                    if n % 10 == 0 {
                        let entries = try store.append(contentsOf: [EntryEnvelope.sign(payload: payload, with: author), EntryEnvelope.sign(payload: payload, with: author)])
                        results.add(entries.map(\.index))
                        try store.signCheckpoint()
                    } else {
                        results.add([try store.append(EntryEnvelope.sign(payload: payload, with: author)).index])
                    }
                } catch {
                    results.fail("\(error)")
                }
            }
        }
        #expect(results.failures.isEmpty, "\(results.failures)")
        let indices = results.indices.sorted()
        let expected = 4 * (perWorker + perWorker / 10)
        #expect(indices == Array(0..<UInt64(expected)))
        #expect(try stores[0].size() == UInt64(expected))
        try Self.audit(stores[1])
        let sizes = try stores[0].checkpoints().map(\.size)
        #expect(sizes == sizes.sorted() && Set(sizes).count == sizes.count)
    }

    /// Thread-safe result collector for the concurrency test.
    /// `@unchecked Sendable` is safe: all state is guarded by `lock`.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var _indices: [UInt64] = []
        private var _failures: [String] = []
        func add(_ values: [UInt64]) { lock.withLock { _indices += values } }
        func fail(_ message: String) { lock.withLock { _failures.append(message) } }
        var indices: [UInt64] { lock.withLock { _indices } }
        var failures: [String] { lock.withLock { _failures } }
    }
}
