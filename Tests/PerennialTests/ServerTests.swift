import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialRemote
import Testing

/// `perennial serve` end to end: the real executables (`perennial serve`, `perennial-kiosk --server`,
/// clerk commands) on 127.0.0.1 and a free port, and signed requests from ``KioskClient``.
@Suite("perennial serve, end to end", .serialized)
struct ServerTests {
    static let built = ServerProcess.built

    @Test(.enabled(if: built, "perennial and perennial-kiosk are built next to the tests"))
    func aKioskVotesThroughTheServerInPlainMode() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let (out, status) = try Self.runKiosk(server, key: fixture.deviceKey, receipts: fixture.kiosk.receipts,
                                              ["", fixture.kiosk.code("open-today"), "", "1", "2", "", "C", "", "", "V", ""], lang: "en")
        #expect(status == 0)
        #expect(out.contains("\nYour voting window is open\n"))
        #expect(out.contains("until Saturday 20 March 2027 inclusive"))
        #expect(out.contains("\nBallot checked (it will not count)\n"))
        #expect(out.contains("Mayor of Grand Nancy : Amélie Arnaud"), "the contests' English titles travel over the wire")
        #expect(out.contains("answer: Amélie Arnaud"))
        #expect(out.contains("\nVote cast. Thank you!\n"))
        #expect(!out.contains(fixture.kiosk.code("open-today")), "the code is never printed back")
        #expect(server.stop() == 0)
        let stats = try fixture.kiosk.statistics()
        #expect(stats.counted == 1 && stats.spoiled == 1)
        #expect(try fixture.kiosk.verifiedReceipts().count == 1, "the receipt, verified against the node")
    }

    @Test(.enabled(if: built, "perennial and perennial-kiosk are built next to the tests"))
    func aRevoteThroughTheServerSaysItReplacesTheEarlierBallot() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let code = fixture.kiosk.code("open-last-day")
        let (out, _) = try Self.runKiosk(server, key: fixture.deviceKey, receipts: fixture.kiosk.receipts,
                                         ["", code, "", "1", "1", "", "V", "", "", code, "", "2", "2", "", "V", ""], lang: "fr")
        #expect(out.contains("Vous avez déjà voté pendant cette période. Si vous votez à nouveau, votre nouveau bulletin remplacera le précédent"))
        #expect(out.contains("Ce bulletin remplace celui que vous aviez déposé plus tôt pendant cette période"))
        server.stop()
        let stats = try fixture.kiosk.statistics()
        #expect(stats.counted == 1 && stats.superseded == 1)
        #expect(try fixture.kiosk.verifiedReceipts().count == 2)
    }

    @Test(.enabled(if: built, "perennial and perennial-kiosk are built next to the tests"))
    func refusalsReachTheVoterThroughTheServer() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let before = try fixture.kiosk.logSize()
        let (out, _) = try Self.runKiosk(server, key: fixture.deviceKey, receipts: fixture.directory.appendingPathComponent("r"),
                                         ["", fixture.kiosk.code("opens-in-10-days"), "", fixture.kiosk.code("replaced-old-card"), ""],
                                         lang: "en")
        #expect(out.contains("\nYou cannot vote today\n"))
        #expect(out.contains("Your next voting window: from Wednesday 24 March 2027 to Tuesday 30 March 2027 inclusive."))
        #expect(out.contains("replaced"))
        server.stop()
        #expect(try fixture.kiosk.logSize() == before)
    }

    @Test(.enabled(if: built && KioskExecutableTests.tmux != nil, "perennial, perennial-kiosk and tmux are available"))
    func aKioskVotesThroughTheServerOnAnEightyByTwentyFourScreen() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let receipts = fixture.kiosk.receipts
        let socket = fixture.directory.appendingPathComponent("tmux.sock").path
        let command = [KioskExecutableTests.kioskURL.path, "--server", server.url.absoluteString, "--device-key", fixture.deviceKey.path,
                       "--receipts", receipts.path].map { "'\($0)'" }.joined(separator: " ")
        try KioskExecutableTests.tmux(["-S", socket, "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24", command])
        defer {
            _ = try? KioskExecutableTests.tmux(["-S", socket, "send-keys", "-t", "kiosk", "C-d"])
            _ = try? KioskExecutableTests.tmux(["-S", socket, "kill-server"])
        }
        func type(_ keys: String) throws {
            try KioskExecutableTests.tmux(["-S", socket, "send-keys", "-t", "kiosk", "-l", keys])
            try KioskExecutableTests.tmux(["-S", socket, "send-keys", "-t", "kiosk", "Enter"])
        }
        var screen = try KioskExecutableTests.waitForScreen(socket, "BIENVENUE")
        try type("")
        _ = try KioskExecutableTests.waitForScreen(socket, "VOTRE CODE DE VOTE")
        try type(fixture.kiosk.code("open-today"))
        screen = try KioskExecutableTests.waitForScreen(socket, "VOTRE PÉRIODE DE VOTE EST OUVERTE")
        #expect(screen.contains("samedi 20 mars 2027"))
        try type("")
        _ = try KioskExecutableTests.waitForScreen(socket, "QUESTION 1 SUR 2")
        try type("1")
        _ = try KioskExecutableTests.waitForScreen(socket, "QUESTION 2 SUR 2")
        try type("2")
        _ = try KioskExecutableTests.waitForScreen(socket, "VÉRIFIEZ VOTRE VOTE")
        try type("")
        _ = try KioskExecutableTests.waitForScreen(socket, "VOTER OU CONTRÔLER")
        try type("V")
        screen = try KioskExecutableTests.waitForScreen(socket, "A VOTÉ. MERCI !")
        #expect(screen.contains("Votre code de suivi :"))
        try type("")
        _ = try KioskExecutableTests.waitForScreen(socket, "BIENVENUE")
        #expect(server.stop() == 0)
        #expect(try fixture.kiosk.statistics().counted == 1)
        #expect(try fixture.kiosk.verifiedReceipts().count == 1)
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func theSameSignedBallotSentTwiceIsOneEntryWithOneReceipt() throws {
        let fixture = try ServerFixture(citizens: 1)
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let client = KioskClient(server: server.url, device: try fixture.key(fixture.deviceKey))
        let info = try client.get(KioskAPI.Path.term, as: TermInfo.self)
        let ballot = try client.signedBallot(code: fixture.codes[0], term: info.term)
        let first = try client.cast(ballot)
        let sizeAfterFirst = try fixture.kiosk.logSize()
        let second = try client.cast(ballot)
        let third = try client.cast(ballot)
        #expect(!first.duplicate)
        #expect(second.duplicate && third.duplicate)
        #expect(second.index == first.index && third.index == first.index)
        #expect(try fixture.kiosk.logSize() == sizeAfterFirst, "a resubmission appends nothing")
        // The same payload with a signature that does not verify gets no receipt.
        var forged = EnvelopeWire(ballot.envelope)
        forged.signature = String(repeating: "ab", count: 64)
        let forgedFailure = Self.failure { _ = try client.post(KioskAPI.Path.ballots, forged, as: CastReceipt.self) }
        guard let forgedRefusal = forgedFailure?.refusalWire else {
            Issue.record("a resubmission with a bad signature got a receipt")
            return
        }
        #expect(forgedRefusal.reason == "bad-signature")
        let receipts = try [first, second, third].map { try Receipt.parse(json: $0.receipt) }
        for receipt in receipts {
            #expect(receipt.index == first.index)
            #expect(receipt.tracker == ballot.tracker)
            try receipt.verify()
        }
        let (_, metrics) = try server.get("metrics")
        #expect(metrics.contains(#"perennial_appends_total{kind="ballot.cast"} 1"#))
        #expect(metrics.contains(#"perennial_duplicates_total{kind="ballot.cast"} 2"#))
        #expect(metrics.contains("perennial_request_duration_seconds_bucket"))
        server.stop()
        #expect(try fixture.kiosk.statistics().counted == 1)
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func unknownAndRevokedDevicesAreRefused() throws {
        let fixture = try ServerFixture(citizens: 1)
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let good = KioskClient(server: server.url, device: try fixture.key(fixture.deviceKey))
        let info = try good.get(KioskAPI.Path.term, as: TermInfo.self)
        let ballot = try good.signedBallot(code: fixture.codes[0], term: info.term)
        let before = try fixture.kiosk.logSize()
        for (file, status, reason) in [(fixture.unknownKey, 401, "unknown-device"), (fixture.revokedKey, 403, "revoked-device")] {
            let client = KioskClient(server: server.url, device: try fixture.key(file), attempts: 1)
            for call in [{ _ = try client.get(KioskAPI.Path.term, as: TermInfo.self) }, { _ = try client.cast(ballot) }] {
                guard let failure = Self.failure(call), failure.reason == .rejected, let got = failure.status, let wire = failure.errorWire else {
                    Issue.record("a \(reason) was served")
                    continue
                }
                #expect(got == status)
                #expect(wire.reason == reason)
            }
            // The kiosk executable says so in one line and stops.
            let (out, code) = try Self.runKiosk(server, key: file, receipts: fixture.directory.appendingPathComponent("r"), [""], lang: "en")
            #expect(code == 1)
            #expect(out.contains("refuses this kiosk"))
            #expect(out.split(separator: "\n").count == 1)
        }
        #expect(try fixture.kiosk.logSize() == before, "nothing written for a refused device")
        let (_, metrics) = try server.get("metrics")
        #expect(metrics.contains(#"perennial_refusals_total{reason="revoked-device"}"#))
        server.stop()
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func aBallotTamperedAfterSigningIsRefusedAndChangesNothing() throws {
        let fixture = try ServerFixture(citizens: 1)
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let client = KioskClient(server: server.url, device: try fixture.key(fixture.deviceKey))
        let info = try client.get(KioskAPI.Path.term, as: TermInfo.self)
        let ballot = try client.signedBallot(code: fixture.codes[0], term: info.term)
        var wire = EnvelopeWire(ballot.envelope)
        wire.signature = String(repeating: "0", count: 128)
        let before = try fixture.kiosk.logSize()
        if let refusal = Self.failure({ _ = try client.post(KioskAPI.Path.ballots, wire, as: CastReceipt.self) })?.refusalWire {
            #expect(refusal.refusal == "technical" && refusal.reason == "bad-signature")
        } else {
            Issue.record("a ballot with a bad signature was accepted")
        }
        if let failure = Self.failure({
            _ = try client.post(KioskAPI.Path.ballots, ["payload": "not base64!"], as: CastReceipt.self)
        }), failure.reason == .rejected, let status = failure.status, let error = failure.errorWire {
            #expect(status == 400 && error.reason == "malformed")
        } else {
            Issue.record("a malformed envelope was accepted")
        }
        #expect(try fixture.kiosk.logSize() == before)
        server.stop()
    }

    /// Kiosks cast while the server is killed (SIGKILL); after a restart they send every ballot again.
    /// Nothing acknowledged is lost, nothing is doubled, and every ballot is in exactly once.
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func killNineWhileKiosksCastLosesNothingAndDoublesNothing() throws {
        try interruptWhileKiosksCast(signal: SIGKILL)
    }

    /// The same with SIGTERM: the server finishes what is in flight, refuses the rest, exits 0.
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func sigtermWhileKiosksCastStopsGracefullyLosingNothing() throws {
        try interruptWhileKiosksCast(signal: SIGTERM)
    }

    func interruptWhileKiosksCast(signal: Int32) throws {
        let voters = 24, kiosks = 4
        let fixture = try ServerFixture(citizens: voters)
        defer { fixture.remove() }
        var server = try ServerProcess(data: fixture.nodeDirectory)
        let device = try fixture.key(fixture.deviceKey)
        let preparer = KioskClient(server: server.url, device: device)
        let term = try preparer.get(KioskAPI.Path.term, as: TermInfo.self).term
        let ballots = try fixture.codes.enumerated().map { try preparer.signedBallot(code: $1, term: term, choice: $0) }
        let before = try fixture.kiosk.logSize()

        final class Acks: @unchecked Sendable {
            let lock = NSLock()
            var byBallot: [Int: UInt64] = [:]
            var count: Int { lock.withLock { byBallot.count } }
            func add(_ ballot: Int, _ index: UInt64) { lock.withLock { byBallot[ballot] = index } }
        }
        let acks = Acks()
        let url = server.url
        let group = DispatchGroup()
        for k in 0..<kiosks {
            DispatchQueue.global().async(group: group) {
                let client = KioskClient(server: url, device: device, attempts: 1, timeoutSeconds: 30)
                for b in stride(from: k, to: voters, by: kiosks) {
                    guard let receipt = try? client.cast(ballots[b]) else { return }   // the server is gone
                    acks.add(b, receipt.index)
                }
            }
        }
        // Kill once some ballots are acknowledged (a count, not a time).
        // (Bounded: if the kiosks cannot cast at all, fail instead of waiting forever.)
        let deadline = Date().addingTimeInterval(300)
        while acks.count < voters / 3 && Date() < deadline { usleep(5_000) }
        try #require(acks.count >= voters / 3, "the kiosks could not cast through the server")
        kill(server.process.processIdentifier, signal)
        server.process.waitUntilExit()
        if signal == SIGTERM {
            #expect(server.process.terminationStatus == 0)
            #expect(server.logText.contains(#""message":"stopped""#))
        }
        group.wait()
        let acknowledged = acks.lock.withLock { acks.byBallot }
        #expect(acknowledged.count >= voters / 3)

        server = try ServerProcess(data: fixture.nodeDirectory)
        let client = KioskClient(server: server.url, device: device)
        var finalIndex: [Int: UInt64] = [:]
        for (b, ballot) in ballots.enumerated() {
            let receipt = try client.cast(ballot)
            finalIndex[b] = receipt.index
            if let acked = acknowledged[b] {
                #expect(receipt.duplicate, "an acknowledged ballot is still there after kill -9")
                #expect(receipt.index == acked)
            }
            try Receipt.parse(json: receipt.receipt).verify()
        }
        #expect(server.stop() == 0)
        #expect(Set(finalIndex.values).count == voters, "every ballot has its own entry")
        // The log holds each ballot exactly once, and nothing else was appended.
        let node = try fixture.kiosk.openNode()
        var seen: [String: Int] = [:]
        try node.store.forEachEntry(in: before..<(try node.store.size())) { entry in
            seen[Hex.encode(SHA256.hash(entry.envelope.payload)), default: 0] += 1
        }
        #expect(seen.count == voters && seen.values.allSatisfy { $0 == 1 })
        for ballot in ballots { #expect(seen[ballot.tracker] == 1) }
        #expect(try node.requireElection().statistics.counted == voters)
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func clerkCommandsThatAppendRefuseWhileTheServerRunsAndChangeNothing() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let node = try fixture.kiosk.openNode()
        let rootBefore = try node.store.root(atSize: node.store.size())
        let sizeBefore = try node.store.size()
        let filesBefore = try Self.plainFiles(fixture.nodeDirectory)
        // `close` is not one of the commands the server takes for clerks (README): it needs the server stopped.
        let (out, status) = try Self.runPerennial(["close", "--data", fixture.nodeDirectory.path, "--at", KioskFixture.nowISO])
        #expect(status == 1)
        #expect(out.contains("perennial serve (pid \(server.process.processIdentifier), listening on 127.0.0.1:\(server.port)) is running on"))
        #expect(out.contains("Stop it first"))
        #expect(out.split(separator: "\n").count == 1, "one line: \(out)")
        // A kiosk on the data directory itself is refused at start, not at the voter's cast.
        let kiosk = Process()
        kiosk.executableURL = KioskExecutableTests.kioskURL
        kiosk.arguments = ["--data", fixture.nodeDirectory.path, "--plain", "--now", KioskFixture.nowISO]
        let kioskOutput = Pipe()
        kiosk.standardOutput = kioskOutput
        kiosk.standardError = kioskOutput
        kiosk.standardInput = FileHandle.nullDevice
        try kiosk.run()
        let kioskText = String(decoding: kioskOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        kiosk.waitUntilExit()
        #expect(kiosk.terminationStatus == 1)
        #expect(kioskText.contains("is running on \(fixture.nodeDirectory.path) and is its only writer"))
        // A second server on the same directory is refused too.
        #expect(throws: ServerTestError.self) { _ = try ServerProcess(data: fixture.nodeDirectory) }
        // Reading still works while the server runs.
        let (status2, _) = try Self.runPerennial(["term", "status", "--data", fixture.nodeDirectory.path])
        #expect(status2.contains("essai-kiosque") || !status2.isEmpty)
        #expect(try node.store.size() == sizeBefore)
        #expect(try node.store.root(atSize: sizeBefore) == rootBefore)
        #expect(try Self.plainFiles(fixture.nodeDirectory) == filesBefore)
        // Once the server stopped, the clerk's command works.
        #expect(server.stop() == 0)
        let (after, code) = try Self.runPerennial(["roll", "enrol", "--data", fixture.nodeDirectory.path, "--person", "P",
                                                   "--birthday", "03-14", "--at", KioskFixture.nowISO])
        #expect(code == 0, "\(after)")
        #expect(try fixture.kiosk.logSize() == sizeBefore + 1)
    }

    /// After a restart, a resubmitted ballot is answered from the node's rows (same entry, nothing
    /// appended), and a request captured before the restart cannot be replayed (its nonce is remembered).
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func afterARestartResubmissionsAreIdempotentAndReplaysRefused() throws {
        let fixture = try ServerFixture(citizens: 1)
        defer { fixture.remove() }
        var server = try ServerProcess(data: fixture.nodeDirectory)
        let device = try fixture.key(fixture.deviceKey)
        let client = KioskClient(server: server.url, device: device, attempts: 1)
        let term = try client.get(KioskAPI.Path.term, as: TermInfo.self).term
        let ballot = try client.signedBallot(code: fixture.codes[0], term: term)
        let first = try client.cast(ballot)
        #expect(!first.duplicate)
        // A request as a kiosk signed it, captured on the wire and sent once.
        let body = String(decoding: try JSONEncoder().encode(VoterRequest(credential: Hex.encode(ballot.envelope.author))), as: UTF8.self)
        let captured = try KioskAPI.headers(method: "POST", path: KioskAPI.Path.voter, body: Array(body.utf8), device: device)
        let voterURL = server.url.appendingPathComponent(String(KioskAPI.Path.voter.dropFirst()))
        #expect(try ServerProcess.post(voterURL, body: body, headers: captured).0 == 200)
        server.kill9()
        server = try ServerProcess(data: fixture.nodeDirectory)
        let size = try fixture.kiosk.logSize()
        let again = try KioskClient(server: server.url, device: device, attempts: 1).cast(ballot)
        #expect(again.duplicate && again.index == first.index)
        try Receipt.parse(json: again.receipt).verify()
        #expect(try fixture.kiosk.logSize() == size, "nothing appended")
        let replayed = try ServerProcess.post(server.url.appendingPathComponent(String(KioskAPI.Path.voter.dropFirst())), body: body, headers: captured)
        #expect(replayed.0 == 401 && replayed.1.contains("replayed-nonce"), "\(replayed)")
        #expect(server.stop() == 0)
    }

    /// The officer revokes a kiosk while the server runs: the command goes through the server, and
    /// that kiosk's next request is refused (403), with no restart. Refusals and forgeries write nothing.
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func officerCommandsGoThroughTheRunningServer() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let data = fixture.nodeDirectory.path
        let kiosk = KioskClient(server: server.url, device: try fixture.key(fixture.deviceKey), attempts: 1)
        #expect((try? kiosk.get(KioskAPI.Path.term, as: TermInfo.self)) != nil, "hall-1 works before")
        let size = try fixture.kiosk.logSize()
        // A new kiosk enrolled through the server can be used at once.
        let newKey = fixture.directory.appendingPathComponent("hall-3.key")
        let (enrolled, enrolCode) = try Self.runPerennial(["kiosk", "enrol", "--data", data, "--device", "hall-3", "--key-out", newKey.path])
        #expect(enrolCode == 0, "\(enrolled)")
        #expect(enrolled.contains("Kiosk hall-3 is enrolled (entry \(size))"))
        let hall3 = KioskClient(server: server.url, device: try fixture.key(newKey), attempts: 1)
        #expect((try? hall3.get(KioskAPI.Path.term, as: TermInfo.self)) != nil, "the new kiosk is known at once")
        // A refusal (the name is taken) writes nothing, says why in one line, exit 1.
        let other = fixture.directory.appendingPathComponent("hall-3b.key")
        let (taken, takenCode) = try Self.runPerennial(["kiosk", "enrol", "--data", data, "--device", "hall-1", "--key-out", other.path])
        #expect(takenCode == 1)
        #expect(taken.contains("already enrolled") && taken.split(separator: "\n").count == 1, "\(taken)")
        #expect(!FileManager.default.fileExists(atPath: other.path), "its key file is removed again")
        // Revoking hall-1 through the server: its very next request is refused, no restart.
        let (revoked, revokeCode) = try Self.runPerennial(["kiosk", "revoke", "--data", data, "--device", "hall-1"])
        #expect(revokeCode == 0, "\(revoked)")
        #expect(try fixture.kiosk.logSize() == size + 2)
        let failure = Self.failure { _ = try kiosk.get(KioskAPI.Path.term, as: TermInfo.self) }
        if let failure, failure.reason == .rejected, let status = failure.status, let wire = failure.errorWire {
            #expect(status == 403 && wire.reason == "revoked-device")
        } else {
            Issue.record("a revoked kiosk was served: \(String(describing: failure))")
        }
        // The roll goes through too.
        let (roll, rollCode) = try Self.runPerennial(["roll", "enrol", "--data", data, "--person", "P", "--birthday", "03-14",
                                                      "--at", KioskFixture.nowISO])
        #expect(rollCode == 0, "\(roll)")
        #expect(try fixture.kiosk.logSize() == size + 3)
        #expect(server.stop() == 0)
    }

    /// The officer endpoint refuses requests not signed by the officer (401), entries of kinds it
    /// does not take (403), and entries the node refuses (409); none writes anything.
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func theOfficeEndpointRefusesWhatItMust() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let node = try fixture.kiosk.openNode()
        let officer = try node.key("officer")
        let setup = try #require(node.election?.setup)
        let size = try node.store.size()
        func envelope(_ payload: [UInt8], _ key: Ed25519.SigningKey) throws -> EnvelopeWire {
            EnvelopeWire(try EntryEnvelope(payload: payload, author: key.publicKey.rawRepresentation,
                                           signature: key.signature(for: EntryEnvelope.signingInput(payload: payload))))
        }
        let revoke = try envelope(KioskRevoke(device: "hall-1").payloadBytes(record: node.origin, term: setup.term), officer)
        // Signed by a kiosk's key instead of the officer's: 401.
        let byKiosk = KioskClient(server: server.url, device: try fixture.key(fixture.deviceKey), attempts: 1)
        let notOfficer = Self.failure { _ = try byKiosk.post(OfficeAPI.path, OfficeEntries(entries: [revoke]), as: OfficeAppended.self) }
        if let notOfficer, notOfficer.reason == .rejected { #expect(notOfficer.status == 401) } else { Issue.record("accepted: \(String(describing: notOfficer))") }
        // Unsigned: 401.
        #expect(try ServerProcess.post(server.url.appendingPathComponent(String(OfficeAPI.path.dropFirst())), body: "{}").0 == 401)
        let office = KioskClient(server: server.url, device: officer, attempts: 1)
        // A kind the server does not take for clerks: 403.
        let close = try envelope(node.requireElection().closePayload().payloadBytes(record: node.origin, term: setup.term), officer)
        let notRouted = Self.failure { _ = try office.post(OfficeAPI.path, OfficeEntries(entries: [close]), as: OfficeAppended.self) }
        if let notRouted, notRouted.reason == .rejected { #expect(notRouted.status == 403 && notRouted.errorWire?.reason == "not-routed") } else { Issue.record("close accepted") }
        // An entry the node refuses (the officer's entry signed by the registrar): 409, nothing written, even with a good one before it.
        let wrongAuthor = try envelope(KioskRevoke(device: "hall-1").payloadBytes(record: node.origin, term: setup.term), try node.key("registrar"))
        let refused = Self.failure { _ = try office.post(OfficeAPI.path, OfficeEntries(entries: [revoke, wrongAuthor]), as: OfficeAppended.self) }
        if let refused, refused.reason == .rejected, let wire = refused.errorWire {
            #expect(refused.status == 409 && wire.reason == "refused" && !wire.error.contains("\n"))
        } else {
            Issue.record("a wrongly signed entry was accepted")
        }
        #expect(try node.store.size() == size, "nothing written")
        // The good one alone is appended.
        let done = try office.post(OfficeAPI.path, OfficeEntries(entries: [revoke]), as: OfficeAppended.self)
        #expect(done.indices == [size])
        server.stop()
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func healthMetricsAndAGracefulStop() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let (status, health) = try server.get("health")
        #expect(status == 200)
        #expect(health.contains(#""status":"ok""#))
        let (unsignedStatus, unsigned) = try ServerProcess.get(server.url.appendingPathComponent("kiosk/v1/term"))
        #expect(unsignedStatus == 401 && unsigned.contains(#""reason":"unsigned""#))
        let (_, metrics) = try server.get("metrics")
        #expect(metrics.contains("# TYPE perennial_refusals_total counter"))
        #expect(metrics.contains(#"perennial_refusals_total{reason="unsigned"} 1"#))
        #expect(metrics.contains("perennial_log_size"))
        #expect(server.stop() == 0)
        let lines = server.logText.split(separator: "\n")
        #expect(lines.contains { $0.contains(#""message":"listening""#) })
        #expect(lines.contains { $0.contains(#""message":"stopped""#) })
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "a JSON log line: \(line)") }
    }

    /// The public board at the tlog-tiles paths, with its caching: full tiles immutable, the rest revalidated.
    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func thePublicBoardIsServedWithItsCaching() throws {
        let fixture = try ServerFixture(citizens: 240)   // past 256 entries: one full tile
        defer { fixture.remove() }
        let server = try ServerProcess(data: fixture.nodeDirectory)
        let node = try fixture.kiosk.openNode()
        let checkpoint = try #require(try node.store.latestCheckpoint())
        #expect(checkpoint.size > 256)
        let served = try ServerProcess.getWithCacheControl(server.url.appendingPathComponent("checkpoint"))
        #expect(served.status == 200 && served.cache == "no-cache")
        #expect(served.body == checkpoint.note)
        let full = try ServerProcess.getWithCacheControl(server.url.appendingPathComponent("tile/0/000"))
        #expect(full.status == 200 && full.cache == "public, max-age=31536000, immutable")
        #expect(full.length == 256 * 32, "256 hashes")
        let partialWidth = Int(checkpoint.size % 256)
        let partial = try ServerProcess.getWithCacheControl(server.url.appendingPathComponent("tile/entries/001.p/\(partialWidth)"))
        #expect(partial.status == 200 && partial.cache == "no-cache")
        let beyond = try ServerProcess.getWithCacheControl(server.url.appendingPathComponent("tile/0/005"))
        #expect(beyond.status == 404)
        let page = try ServerProcess.getWithCacheControl(server.url)
        #expect(page.status == 200 && page.body.contains("<html"))
        #expect(try server.get("manifest.json").0 == 200)
        #expect(try server.get("health").0 == 200, "the board's catch-all leaves /health alone")
        server.stop()
    }

    @Test(.enabled(if: built, "perennial is built next to the tests"))
    func unusableArgumentsExitTwo() throws {
        let (out, status) = try Self.runPerennial(["serve", "--listen", "localhost"])
        #expect(status == 2)
        #expect(out.contains("--listen needs HOST:PORT"))
        let (missing, code) = try Self.runPerennial(["serve", "--data", "/nonexistent/perennial", "--listen", "127.0.0.1:0"])
        #expect(code == 1)
        #expect(missing.contains("No node in /nonexistent/perennial"))
    }

    // MARK: Helpers

    /// The client's failure, or nil if `body` succeeded.
    static func failure(_ body: () throws -> Void) -> RemoteError? {
        do {
            try body()
            return nil
        } catch let failure as RemoteError {
            return failure
        } catch {
            return .unreachable("\(error)")
        }
    }

    static func runKiosk(_ server: ServerProcess, key: URL, receipts: URL, _ lines: [String], lang: String) throws -> (String, Int32) {
        let process = Process()
        process.executableURL = KioskExecutableTests.kioskURL
        process.arguments = ["--server", server.url.absoluteString, "--device-key", key.path, "--plain", "--receipts", receipts.path,
                             "--lang", lang]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    static func runPerennial(_ arguments: [String]) throws -> (String, Int32) {
        let process = Process()
        process.executableURL = ServerProcess.perennialURL
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    /// The node directory's files other than the SQLite database (name → contents).
    static func plainFiles(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true, !url.path.contains("/log/") else { continue }
            files[url.path] = try Data(contentsOf: url)
        }
        return files
    }
}
