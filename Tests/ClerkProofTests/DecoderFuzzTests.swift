import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Deliberation
import Foundation
import Perennial
import PerennialDemo
import Testing

/// Seeded mutation fuzzing of every payload and file decoder of the engine: bit flips, truncations,
/// splices and a dictionary of JSON tokens applied to valid inputs (the entries of a simulated term,
/// its checkpoints and receipts, roll and ledger CSV files, key and seal files). Each decoder must
/// return or throw its own error type — never crash, never leak a Foundation error.
///
/// `PERENNIAL_FUZZ_COUNT` sets the mutations per decoder (default 1,000); `make fuzz` runs the
/// libFuzzer targets in `Tests/Fuzz` for longer.
@Suite("Decoder fuzzing (engine)", .serialized)
struct DecoderFuzzTests {
    static let count = Int(ProcessInfo.processInfo.environment["PERENNIAL_FUZZ_COUNT"] ?? "") ?? 1_000
    static let seed = UInt64(ProcessInfo.processInfo.environment["PERENNIAL_FUZZ_SEED"] ?? "") ?? 11

    static let dictionary: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "0", "-0", "1.0", "1e9", "01", "18446744073709551616",
        "-9223372036854775809", "\"kind\":", "\"record\":", "\"term\":", "\"\\u0000\"", "\"\\ud800\"", "\\", "\u{FEFF}", "é",
        "\"trustee\":", "\"window\":", "\"contests\":[]", "\"extra\":1", ",\"kind\":\"x\"", "\n", "\r\n", "\"\"",
    ]

    /// One mutation of `input`: a bit flip, a truncation, a splice with another input, a dictionary
    /// token inserted or substituted, or a byte duplicated.
    static func mutate(_ input: [UInt8], corpus: [[UInt8]], _ rng: inout SeededGenerator) -> [UInt8] {
        var out = input
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            let at = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count))
            switch rng.next() % 6 {
            case 0: if !out.isEmpty { out[at] ^= UInt8(1 << (rng.next() % 8)) }
            case 1: out = Array(out.prefix(at))
            case 2:
                let other = corpus[Int(rng.next() % UInt64(corpus.count))]
                let from = other.isEmpty ? 0 : Int(rng.next() % UInt64(other.count))
                out = Array(out.prefix(at)) + other[from...]
            case 3: out.insert(contentsOf: Array(dictionary[Int(rng.next() % UInt64(dictionary.count))].utf8), at: at)
            case 4:
                let token = Array(dictionary[Int(rng.next() % UInt64(dictionary.count))].utf8)
                out.replaceSubrange(at..<min(out.count, at + token.count), with: token)
            default: if !out.isEmpty { out.insert(out[at], at: at) }
            }
        }
        return out
    }

    /// Decodes a payload the way the node does: the header, the strict shape, then the kind's decoder.
    static func decodePayload(_ bytes: [UInt8]) throws {
        let header = try PayloadHeader.parse(bytes)
        _ = try PayloadShape.parse(bytes)
        if let kind = EntryKind(rawValue: header.kind) {
            switch kind {
            case .termSetup: _ = try TermSetup.decode(bytes)
            case .trusteeCommitments: _ = try TrusteeCommitments.decode(bytes)
            case .trusteeShares: _ = try TrusteeShares.decode(bytes)
            case .trusteeComplaint: _ = try TrusteeComplaint.decode(bytes)
            case .trusteeReady: _ = try TrusteeReady.decode(bytes)
            case .electionKey: _ = try ElectionKeyPayload.decode(bytes)
            case .rollEnrol: _ = try RollEnrol.decode(bytes)
            case .rollUpdate: _ = try RollUpdate.decode(bytes)
            case .rollReplace: _ = try RollReplace.decode(bytes)
            case .contestVersion: _ = try ContestVersion.decode(bytes)
            case .ballotCast: _ = try BallotCast.decode(bytes)
            case .ballotSpoil: _ = try BallotSpoil.decode(bytes)
            case .termClose: _ = try TermClose.decode(bytes)
            case .tallyShare: _ = try TallyShare.decode(bytes)
            case .tallyResult: _ = try TallyResult.decode(bytes)
            case .kioskEnrol: _ = try KioskEnrol.decode(bytes)
            case .kioskRevoke: _ = try KioskRevoke.decode(bytes)
            }
        } else if let kind = LedgerKind(rawValue: header.kind) {
            switch kind {
            case .settings: _ = try LedgerSettings.decode(bytes)
            case .accredit: _ = try Accreditation.decode(bytes)
            case .suspend: _ = try Suspension.decode(bytes)
            case .contribution: _ = try Contribution.decode(bytes)
            case .reversal: _ = try Reversal.decode(bytes)
            }
        } else if header.kind.hasPrefix("delib.") {
            _ = try DeliberationPayload.decode(bytes, record: header.record, term: header.term ?? "", hasher: LibsodiumContentHasher())
        }
    }

    /// The engine's own error types: anything else escaping a decoder is a bug.
    static func isOwnError(_ error: Error) -> Bool {
        error is ElectionError || error is LedgerError || error is DeliberationError || error is LogError
            || error is NodeError || error is CryptoError
    }

    struct Target {
        let name: String
        let corpus: [[UInt8]]
        let decode: ([UInt8]) throws -> Void
    }

    @Test func everyDecoderSurvivesMutatedInput() async throws {
        let fixture = try await RefusalPropertyTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.work) }
        let node = try Node(directory: URL(fileURLWithPath: fixture.data), clock: ManualClock(milliseconds: 1_900_000_000_000))
        var payloads: [[UInt8]] = []
        try node.store.forEachEntry(in: 0..<node.store.size()) { payloads.append($0.envelope.payload) }
        payloads.append(contentsOf: deliberationPayloads(node))
        let checkpoint = try node.store.signCheckpoint()
        let receipt = try node.store.receipt(index: 1, tracker: "fuzz")
        let trusteeSeal = try Self.resealedTrusteeSecrets(fixture.work)
        let orgKey = try Data(contentsOf: fixture.work.appendingPathComponent("keys/restos.orgkey"))
        let scratch = fixture.work.appendingPathComponent("fuzz-file")
        let roll = Array("\u{FEFF}person,birthday,eligible_from,eligible_until\n\"Doe, Jane\",03-10,2027-01-01,\n\nbob,02-29,,2028-01-01\n".utf8)
        let ledger = Array("account,category,date,start,end,minutes,description,attestation\n\(fixture.account),social,2027-03-01,09:00,,90,\"a, b\",R-9\n".utf8)

        let targets: [Target] = [
            Target(name: "payloads", corpus: payloads) { try Self.decodePayload($0) },
            Target(name: "checkpoint notes", corpus: [Array(checkpoint.note.utf8)]) { _ = try SignedCheckpoint.parse(note: String(decoding: $0, as: UTF8.self)) },
            Target(name: "receipts", corpus: [Array(receipt.json().utf8)]) { _ = try Receipt.parse(json: String(decoding: $0, as: UTF8.self)) },
            Target(name: "roll files", corpus: [roll]) { _ = try RollImport(data: Data($0), name: "roll.csv") },
            Target(name: "ledger files", corpus: [ledger]) { bytes in
                guard let text = String(validating: bytes, as: UTF8.self) else { return }
                _ = try ContributionCSV.parse(text, org: "restos")
            },
            Target(name: "organisation key files", corpus: [Array(orgKey)]) { bytes in
                try Data(bytes).write(to: scratch)
                _ = try OrganisationKeyFile.read(from: scratch)
            },
            Target(name: "node key files", corpus: [Array((Hex.encode(Array(repeating: 7, count: 32)) + "\n").utf8)]) { bytes in
                try Data(bytes).write(to: scratch)
                _ = try KeyFile.load(scratch)
            },
            // The whole reader with the right passphrase: every mutation is refused with the node's
            // error, or opens to exactly the original secrets (e.g. a hex digit's case changed).
            // (It used to catch the errors itself and to skip every mutation that still decoded,
            // so it refused none.) The fixture's secrets are resealed at the minimum Argon2id cost
            // so that each try is quick; a mutated cost above `moderate` is refused unread.
            Target(name: "trustee secrets", corpus: [trusteeSeal.sealed]) { bytes in
                try Data(bytes).write(to: trusteeSeal.files.directory.appendingPathComponent("secrets.sealed.json"))
                let opened = try trusteeSeal.files.load(passphrase: "fuzz")
                #expect(try Self.canonical(opened) == trusteeSeal.original, "a mutated seal opened to other secrets")
            },
        ]
        var rng = SeededGenerator(seed: Self.seed)
        var summary: [String] = []
        for target in targets {
            var refused = 0, accepted = 0
            for _ in 0..<Self.count {
                let input = target.corpus[Int(rng.next() % UInt64(target.corpus.count))]
                let mutated = Self.mutate(input, corpus: target.corpus, &rng)
                do {
                    try target.decode(mutated)
                    accepted += 1
                } catch {
                    refused += 1
                    #expect(Self.isOwnError(error), "\(target.name): \(type(of: error)) escaped: \(error)")
                }
            }
            summary.append("\(target.name) \(Self.count) (\(refused) refused)")
            if target.name == "trustee secrets" {
                // A sealed file has almost no slack: nearly every mutation must be refused.
                #expect(refused * 10 >= Self.count * 8, "only \(refused) of \(Self.count) mutated trustee seals were refused")
            }
        }
        // Mutated entries through the whole append path: refused with the node's own errors, and a
        // refusal leaves the log as it was.
        let signer = try node.key("registrar")
        let sizeBefore = try node.store.size()
        var appended = 0
        for _ in 0..<min(Self.count, 300) {
            let mutated = Self.mutate(payloads[Int(rng.next() % UInt64(payloads.count))], corpus: payloads, &rng)
            let size = try node.store.size()
            do {
                try node.submit(payload: mutated, signer: signer)
                appended += 1
            } catch {
                #expect(Self.isOwnError(error), "submit: \(type(of: error)) escaped: \(error)")
                #expect(try node.store.size() == size)
            }
        }
        summary.append("node submits \(min(Self.count, 300)) (\(appended) accepted)")
        #expect(try node.store.size() == sizeBefore + UInt64(appended))
        print("engine decoder fuzzing (seed \(Self.seed)): " + summary.joined(separator: ", "))
    }

    /// Trustee 1's secrets of the fixture, resealed under the passphrase "fuzz" at the minimum cost in
    /// their own directory; `original` is their canonical JSON.
    static func resealedTrusteeSecrets(_ work: URL) throws -> (files: TrusteeFiles, sealed: [UInt8], original: [UInt8]) {
        let passphrase = try String(contentsOf: work.appendingPathComponent("pass1"), encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        let secrets = try TrusteeFiles(directory: work.appendingPathComponent("t1")).load(passphrase: passphrase)
        let files = TrusteeFiles(directory: work.appendingPathComponent("fuzz-trustee"), cost: .minimumForTesting)
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        let sealed = try JSONEncoder().encode(try secrets.sealed(passphrase: "fuzz", cost: .minimumForTesting))
        try sealed.write(to: files.directory.appendingPathComponent("secrets.sealed.json"))
        #expect(try canonical(files.load(passphrase: "fuzz")) == (try canonical(secrets)))
        return (files, Array(sealed), try canonical(secrets))
    }

    static func canonical(_ secrets: TrusteeSecrets) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(secrets))
    }

    /// A few deliberation payloads for the corpus (a participant and a proposal).
    func deliberationPayloads(_ node: Node) -> [[UInt8]] {
        let term = node.election?.setup?.term ?? ""
        let key = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)
        return [
            OrderedJSON.payload(kind: "delib.participant", record: node.origin, term: term,
                                fields: [("participant", .string("ana")), ("name", .string("Ana")), ("key", .string(key)), ("moderator", .bool(false))]),
            OrderedJSON.payload(kind: "delib.comment", record: node.origin, term: term,
                                fields: [("comment", .string("c-1")), ("on", .string("proposal")), ("target", .string("p-1")), ("parent", .null),
                                         ("stance", .string("neutral")), ("body", .string("Bien.")), ("hash", .string(String(repeating: "0", count: 64)))]),
        ]
    }
}
