import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Perennial
import PerennialKioskCore
import PerennialRemote

/// What a timed run measured.
struct LoadResults {
    var requests = 0
    var appended = 0
    var refusals: [String: Int] = [:]
    var latencies: [Double] = []
    var seconds = 0.0
    /// Receipts of the acknowledged ballots.
    var receipts: [Receipt] = []
    /// Outcomes that were not the expected one (a valid ballot refused, an invalid one accepted).
    var unexpected = 0

    mutating func merge(_ other: LoadResults) {
        requests += other.requests
        appended += other.appended
        for (reason, n) in other.refusals { refusals[reason, default: 0] += n }
        latencies += other.latencies
        receipts += other.receipts
        unexpected += other.unexpected
    }

    func emit(run: String, kiosks: Int) {
        let sorted = latencies.sorted()
        PerennialLoadTest.emit([
            "run": run, "kiosks": kiosks, "requests": requests, "appended": appended, "refused": refusals.values.reduce(0, +),
            "refusals": refusals, "seconds": (seconds * 1000).rounded() / 1000,
            "throughput_per_s": seconds > 0 ? (Double(requests) / seconds * 10).rounded() / 10 : 0,
            "p50_ms": milliseconds(percentile(sorted, 0.50)), "p99_ms": milliseconds(percentile(sorted, 0.99)),
            "max_ms": milliseconds(sorted.last ?? 0), "unexpected": unexpected,
        ])
    }
}

enum LoadRun {
    /// Each kiosk on its own thread, all at once, over HTTP.
    static func overServer(_ server: URL, plan: [[Submission]], devices: [Ed25519.SigningKey]) -> LoadResults {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var total = LoadResults()
        }
        let shared = Shared()
        let start = DispatchTime.now().uptimeNanoseconds
        // One thread per kiosk (concurrentPerform would run only as many as there are cores).
        let group = DispatchGroup()
        for k in plan.indices {
            group.enter()
            Thread.detachNewThread { kiosk(k); group.leave() }
        }
        @Sendable func kiosk(_ k: Int) {
            let client = KioskClient(server: server, device: devices[k], attempts: 3)
            var mine = LoadResults()
            for submission in plan[k] {
                let began = DispatchTime.now().uptimeNanoseconds
                var outcome: Result<Receipt, Refusal>
                do throws(RemoteError) {
                    let answer = try client.post(KioskAPI.Path.ballots, EnvelopeWire(submission.envelope), as: CastReceipt.self)
                    outcome = Result { try Receipt.parse(json: answer.receipt) }.mapError { _ in Refusal("unreadable-receipt") }
                } catch {
                    if let wire = error.refusalWire {
                        outcome = .failure(Refusal(wire.reason ?? wire.refusal))
                    } else if let wire = error.errorWire {
                        outcome = .failure(Refusal(wire.reason))
                    } else {
                        outcome = .failure(Refusal("unreachable"))
                    }
                }
                mine.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
                mine.record(outcome, submission)
            }
            shared.lock.withLock { shared.total.merge(mine) }
        }
        group.wait()
        var total = shared.total
        total.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return total
    }

    /// The same submissions, one after another, straight into a copy of the node (as the `--data`
    /// kiosk does: submit, sign a checkpoint, issue the receipt).
    static func direct(node directory: URL, now: UInt64, plan: [[Submission]]) throws -> LoadResults {
        let node = try Node(directory: directory, clock: OffsetClock(start: Date(timeIntervalSince1970: Double(now) / 1000)))
        var results = LoadResults()
        let start = DispatchTime.now().uptimeNanoseconds
        // Interleave the kiosks as the server saw them: round-robin over their lists.
        let longest = plan.map(\.count).max() ?? 0
        for i in 0..<longest {
            for list in plan where i < list.count {
                let submission = list[i]
                let began = DispatchTime.now().uptimeNanoseconds
                var outcome: Result<Receipt, Refusal>
                do {
                    let entry = try node.submit(submission.envelope)
                    _ = try node.store.signCheckpoint()
                    outcome = .success(try node.store.receipt(index: entry.index, tracker: submission.tracker))
                } catch let error as ElectionError {
                    outcome = .failure(Refusal(error.reason.rawValue))
                } catch let error as LogError {
                    outcome = .failure(Refusal("log-\(error.code)"))
                } catch {
                    outcome = .failure(Refusal("other"))
                }
                results.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
                results.record(outcome, submission)
            }
        }
        results.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return results
    }
}

/// Why a submission was refused (a short machine reason).
struct Refusal: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension LoadResults {
    mutating func record(_ outcome: Result<Receipt, Refusal>, _ submission: Submission) {
        requests += 1
        switch outcome {
        case .success(let receipt):
            appended += 1
            receipts.append(receipt)
            if submission.expect == .invalid || receipt.tracker != submission.tracker { unexpected += 1 }
        case .failure(let refusal):
            refusals[refusal.reason, default: 0] += 1
            if submission.expect != .invalid { unexpected += 1 }
        }
    }
}
