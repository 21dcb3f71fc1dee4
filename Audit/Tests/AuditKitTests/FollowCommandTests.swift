import AuditKit
import Foundation
import Testing

/// The `perennial-audit` executable over a board: verify URL prints the same report as verify DIR,
/// --log-key with the wrong key exits 1, and follow prints a fork with both signed checkpoints.
@Suite(.serialized) struct FollowCommandTests {
    typealias B = ElectionBuilder<Ristretto255>

    @Test(.enabled(if: CommandLineTests.executable != nil)) func verifyURLAndFollowFromTheCommandLine() throws {
        let cli = CommandLineTests()
        let b = B.standard(Ristretto255())
        let n = b.log.entries.count
        let record = TempDir(), boardDir = TempDir(), state = TempDir()
        // The same log (the same checkpoints) as a directory and as a board.
        let log = BoardTests.prefix(b.log, n)
        log.write(to: record.path)
        BoardTests.board(log, in: boardDir.path)
        let server = try StaticServer(directory: boardDir.path)

        // The standard term is a real one dated 2026–2028: every run reads the clock after its end (LOG-10).
        let now = ["--now", String(b.at(2028, 2, 1))]
        let dir = try cli.run(["verify", record.path, "--quiet"] + now)
        let url = try cli.run(["verify", server.url, "--quiet"] + now)
        #expect(url.status == 0, "\(url.err)")
        #expect(url.out == dir.out)
        let right = BoardTests.vkey(b.log), wrong = BoardTests.vkey(b.log, key: TestKey(seed: 0x77))
        #expect(try cli.run(["verify", server.url, "--quiet", "--log-key", right] + now).status == 0)
        let pinned = try cli.run(["verify", server.url, "--quiet", "--log-key", wrong] + now)
        #expect(pinned.status == 1)
        #expect(pinned.out.contains("FAIL  LOG-9"))
        #expect(try cli.run(["verify", server.url, "--log-key", "not-a-key"]).status == 2)

        let statePath = state.path + "/follow.json"
        let first = try cli.run(["follow", server.url, "--state", statePath, "--rounds", "1", "--interval", "0"] + now)
        #expect(first.status == 0, "\(first.out)\(first.err)")
        #expect(first.out.contains("record verified: PASS"))
        var forked = BoardTests.prefix(b.log, n)
        forked.entries[n - 3].time += 1
        forked.append()
        forked.checkpointSizes.append(n + 1)
        BoardTests.board(forked, in: boardDir.path)
        let fork = try cli.run(["follow", server.url, "--state", statePath, "--rounds", "1", "--interval", "0"] + now)
        #expect(fork.status == 1)
        #expect(fork.out.hasPrefix("GRAVEST FAILURE: FORK"))
        #expect(fork.out.contains("Checkpoint seen before:\n" + b.log.note(size: n)))
        #expect(fork.out.contains("Checkpoint served now:\n" + forked.note(size: n + 1)))
        BoardTests.board(BoardTests.prefix(b.log, n - 2), in: boardDir.path)
        let rollback = try cli.run(["follow", server.url, "--state", statePath, "--rounds", "1", "--interval", "0"] + now)
        #expect(rollback.status == 1)
        #expect(rollback.out.hasPrefix("GRAVEST FAILURE: ROLLBACK"))
    }
}
