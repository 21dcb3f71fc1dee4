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

    @Test func aFileThatCannotBePutInPlaceIsNamedAndTheRestAreKept() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // "c.txt" is taken by a directory: a file cannot be renamed over it.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("c.txt"), withIntermediateDirectories: false)
        let files = ["a.txt", "b.txt", "c.txt", "d.txt"].map { (name: $0, data: Data("letter \($0)".utf8)) }
        #expect {
            try AtomicFile.writeAll(files, in: dir)
        } throws: { error in
            "\(error)".contains("c.txt")
        }
        // Those already in place are whole; the two not moved are kept whole under their hidden names
        // (once the entries are durable, a letter's code may exist nowhere else).
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.filter { !$0.hasPrefix(".") }.sorted() == ["a.txt", "b.txt", "c.txt"])
        let kept = names.filter { $0.hasPrefix(".staged-") }.sorted()
        #expect(kept.count == 2)
        #expect(kept.map { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path) }
                == [Data("letter c.txt".utf8), Data("letter d.txt".utf8)])
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("a.txt").path) == Data("letter a.txt".utf8))
    }

    @Test func stagedFilesDiscardedLeaveNothing() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let staged = try AtomicFile.stageAll([Data("1".utf8), Data("2".utf8)], in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 2)
        staged.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
