import Foundation
import Testing
@testable import Perennial

/// `AtomicFile.writeAll`, the letters' writer: every file whole with its mode, or none left behind.
@Suite("Files written together")
struct AtomicFileTests {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perennial-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func everyFileIsWrittenWholeWithItsModeAndNoStagedFileRemains() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = (0..<50).map { (name: "letter-\($0).txt", data: Data("code \($0)\n".utf8)) }
        let paths = try AtomicFile.writeAll(files, in: dir)
        #expect(paths == files.map { dir.path + "/" + $0.name })
        for (path, file) in zip(paths, files) {
            #expect(FileManager.default.contents(atPath: path) == file.data)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == files.map(\.name).sorted())
    }

    @Test func aFileThatCannotBeCreatedLeavesNoStagedFileAndNamesIt() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("kept".utf8).write(to: dir.appendingPathComponent("earlier.txt"))
        // The 4th name points into a directory that does not exist: staging it fails after 3 were staged.
        let files = [("a.txt", "1"), ("b.txt", "2"), ("c.txt", "3"), ("missing/d.txt", "4"), ("e.txt", "5")]
            .map { (name: $0.0, data: Data($0.1.utf8)) }
        #expect {
            try AtomicFile.writeAll(files, in: dir)
        } throws: { error in
            "\(error)".contains("missing/")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["earlier.txt"])
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("earlier.txt").path) == Data("kept".utf8))
    }

    @Test func twoFilesOfOneNameAreRefusedWithNothingLeft() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = [(name: "same.txt", data: Data("1".utf8)), (name: "same.txt", data: Data("2".utf8))]
        #expect(throws: (any Error).self) { try AtomicFile.writeAll(files, in: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
