import ArgumentParser
import CivicCrypto
import Foundation
import Perennial

struct TrusteeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustee",
        abstract: "A trustee's steps: key, commit, shares, check, decrypt — each with the trustee's own directory.",
        discussion: """
            The trustee's secrets stay in --trustee-dir, sealed under its passphrase (Argon2id), which is read \
            from the environment (PERENNIAL_PASSPHRASE by default) or a file — never from the command line.
            Order: every trustee commits; then every trustee sends shares; then every trustee checks; then \
            the officer publishes the key (perennial term publish-key). At term end, any t trustees decrypt.
            """,
        subcommands: [Key.self, Commit.self, Shares.self, Check.self, Decrypt.self])

    struct TrusteeDir: ParsableArguments {
        @Option(help: "The trustee's own directory (its key and sealed secrets).") var trusteeDir: String
        @Option(help: ArgumentHelp("How costly the passphrase hash is when secrets are sealed: moderate (default, about a second) or interactive (faster, weaker).",
                                   valueName: "cost"))
        var sealCost = "moderate"

        func validate() throws {
            guard ["moderate", "interactive"].contains(sealCost) else { throw ValidationError("--seal-cost must be moderate or interactive.") }
        }

        var files: TrusteeFiles {
            TrusteeFiles(directory: URL(fileURLWithPath: trusteeDir, isDirectory: true), cost: sealCost == "interactive" ? .interactive : .moderate)
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (or show) the trustee's signing key; give the public key to the officer.")
        @OptionGroup var dir: TrusteeDir
        func run() throws {
            print(Hex.encode(try dir.files.signingKey().publicKey.rawRepresentation))
        }
    }

    struct Commit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Step 1: create the polynomial and publish its commitments.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var dir: TrusteeDir
        @OptionGroup var pass: PassphraseOptions
        @Option(help: "This trustee's number (1…n, its position in term.setup).") var index: Int
        func run() throws {
            let entry = try dir.files.commit(index: index, on: node.open(), passphrase: pass.passphrase())
            node.emit(["Commitments of trustee \(index) published (entry \(entry.index))."], json: ["index": entry.index])
        }
    }

    struct Shares: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Step 2: seal a share to every other trustee.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var dir: TrusteeDir
        @OptionGroup var pass: PassphraseOptions
        func run() throws {
            let entry = try dir.files.sendShares(on: node.open(), passphrase: pass.passphrase())
            node.emit(["Shares sent (entry \(entry.index))."], json: ["index": entry.index])
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Step 3: check the shares received; confirm, or complain publicly.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var dir: TrusteeDir
        @OptionGroup var pass: PassphraseOptions
        func run() throws {
            let ok = try dir.files.check(on: node.open(), passphrase: pass.passphrase())
            guard ok else { throw Refusal("A share did not match its sender's commitments; a complaint was published. The ceremony must start again in a new term.") }
            node.emit(["Every share checked; this trustee is ready."], json: ["ready": true])
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Term end: publish partial decryptions of the frozen tally, with proofs.")
        @OptionGroup var node: NodeOptions
        @OptionGroup var dir: TrusteeDir
        @OptionGroup var pass: PassphraseOptions
        func run() throws {
            let entry = try dir.files.decrypt(on: node.open(), passphrase: pass.passphrase())
            node.emit(["Partial decryptions published (entry \(entry.index))."], json: ["index": entry.index])
        }
    }
}
