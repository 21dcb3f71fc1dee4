import ArgumentParser
import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial

struct BallotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballot", abstract: "Cast or challenge a scripted ballot (for simulations, tests and training).",
        discussion: "Citizens vote at `perennial-kiosk`; this command does the same from a script.",
        subcommands: [Cast.self, Challenge.self])

    struct BallotArgs: ParsableArguments {
        @Option(help: "The credential code from the citizen's letter (read from the environment variable PERENNIAL_CODE if omitted).")
        var code: String?
        @Option(name: .customLong("choice"), help: "contest=option, once per contest (e.g. maire=cand-a).") var choices: [String] = []
        @Option(help: "Write the receipt (JSON) to this file.") var receipt: String?

        func credentialCode() throws -> CredentialCode {
            guard let text = code ?? ProcessInfo.processInfo.environment["PERENNIAL_CODE"] else {
                throw ValidationError("Give the credential code with --code or the PERENNIAL_CODE environment variable.")
            }
            return try CredentialCode(parsing: text)
        }

        func parsedChoices() throws -> [ContestChoice] {
            var byContest: [String: [String]] = [:]
            var order: [String] = []
            for text in choices {
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--choice must look like contest=option, got \"\(text)\".") }
                if byContest[parts[0]] == nil { order.append(parts[0]) }
                byContest[parts[0], default: []].append(parts[1])
            }
            return order.map { ContestChoice(contest: $0, selected: byContest[$0]!) }
        }

        /// Prepares the ballot for the window open now.
        func prepare(_ n: Node) throws -> (PreparedBallot, Ed25519.SigningKey) {
            let e = try n.requireElection()
            let key = CredentialKey.signingKey(for: try credentialCode(), term: e.setup!.term)
            let credential = key.publicKey.rawRepresentation
            let now = Date(timeIntervalSince1970: Double(n.clock.nowMilliseconds()) / 1000)
            let window = try e.openWindow(credential: Hex.encode(credential), at: now)
            return (try e.prepareBallot(choices: try parsedChoices(), credential: credential, window: window.number), key)
        }
    }

    struct Cast: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Encrypt, prove, sign and cast a ballot; print its tracker and index.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var args: BallotArgs
        func run() throws {
            let n = try node.open()
            let (ballot, key) = try args.prepare(n)
            let entry = try n.submit(payload: ballot.payload, signer: key)
            _ = try n.store.signCheckpoint()
            let receipt = try n.store.receipt(index: entry.index, tracker: Hex.encode(ballot.tracker))
            if let file = args.receipt { try Data(receipt.json().utf8).write(to: URL(fileURLWithPath: file)) }
            node.emit(["Ballot cast: entry \(entry.index), tracker \(ballot.trackerCode)."],
                      json: ["index": entry.index, "tracker": Hex.encode(ballot.tracker)])
        }
    }

    struct Challenge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a ballot, then challenge it: its randomness is revealed and it never counts.",
            discussion: "The challenged ballot is signed by a kiosk's device key (never the credential), so it names no voter.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var args: BallotArgs
        @Option(help: ArgumentHelp("The enrolled kiosk device key that signs the challenge (default on a simulation node: its own).",
                                   valueName: "file"))
        var deviceKey: String?
        func run() throws {
            let n = try node.open()
            let device = try deviceKey.map { try KeyFile.load(URL(fileURLWithPath: $0)) } ?? n.simulationKioskKey()
            let (ballot, _) = try args.prepare(n)
            let challenged = try n.requireElection().prepareChallenge(of: ballot, choices: try args.parsedChoices(),
                                                                     device: device.publicKey.rawRepresentation)
            let entry = try n.submit(payload: challenged.spoilPayload(record: n.origin, term: n.requireElection().setup!.term), signer: device)
            node.emit(["Ballot \(challenged.trackerCode) challenged and opened in entry \(entry.index); it will not be counted. Vote again."],
                      json: ["index": entry.index, "tracker": Hex.encode(challenged.tracker)])
        }
    }
}
