import ArgumentParser
import BallotCore
import CivicCrypto
import CivicLedger
import CivicLog
import Deliberation
import Foundation
import Perennial

/// How the command line reports an error: ONE line on stderr and an exit code (1 a refused or failed
/// operation; 2 unusable arguments), never a raw Foundation, decoding or database error.
enum ErrorReport {
    struct Outcome: Equatable {
        /// The process exit code.
        var code: Int32
        /// What goes to stderr (one line, unless it is ArgumentParser's own help or usage text).
        var message: String
        /// True when `message` goes to stdout (`--help`, `--version`: exit 0).
        var toStdout: Bool
    }

    static func outcome(for error: Error) -> Outcome {
        if let line = refusal(error) { return Outcome(code: 1, message: "perennial: \(line)", toStdout: false) }
        let code = PerennialCommand.exitCode(for: error)
        if code == .success { return Outcome(code: 0, message: PerennialCommand.fullMessage(for: error), toStdout: true) }
        if code == .failure, !(error is ExitCode) {
            // Not an error of ArgumentParser's: a system error that escaped a command.
            return Outcome(code: 1, message: "perennial: \(systemError(error))", toStdout: false)
        }
        let exit: Int32 = code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue
        // ArgumentParser's message without its usage block, on one line.
        let text = PerennialCommand.message(for: error).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return Outcome(code: exit, message: "perennial: \(text.isEmpty ? "unusable arguments" : text) (see --help).", toStdout: false)
    }

    /// The one-line text of the engine's own refusals.
    static func refusal(_ error: Error) -> String? {
        switch error {
        case let e as ElectionError: e.message
        case let e as NodeError: e.message
        case let e as LogError: e.description
        case let e as CryptoError: e.description
        case let e as DeliberationError: e.description
        case let e as LedgerError: e.description
        case let e as Refusal: e.description
        default: nil
        }
    }

    /// A system error said in one line with what to do; never a raw error dump.
    static func systemError(_ error: Error) -> String {
        let nsError = error as NSError
        let path = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
        switch error {
        case let e as CocoaError:
            let what = path.map { " (\($0))" } ?? ""
            switch e.code {
            case .fileNoSuchFile, .fileReadNoSuchFile:
                return "A file or directory does not exist\(what); check the path."
            case .fileReadNoPermission, .fileWriteNoPermission:
                return "Permission denied\(what); check the file's permissions."
            case .fileWriteOutOfSpace:
                return "The disk is full\(what); free some space and try again."
            case .fileWriteFileExists:
                return "A file is already there\(what); pick another name."
            case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
                return "A file could not be read\(what): it is damaged or not in the expected format."
            default:
                return "A file operation failed\(what); check the path, its permissions and free space."
            }
        case is DecodingError:
            return "A file could not be read: it is not in the expected JSON format. Check that it is the right file."
        default:
            if String(reflecting: type(of: error)).contains("DatabaseError") {
                return "The node's database refused the operation; check disk space and permissions of the data directory, or restore it from a backup if it is damaged."
            }
            return "The operation failed (\(String(describing: type(of: error)))); nothing more is known. Check the data directory and try again."
        }
    }
}
