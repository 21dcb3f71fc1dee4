import Foundation

/// `perennial serve` as a child process on 127.0.0.1 and a free port (its log in `work/serve.log`).
final class LoadServer {
    let process = Process()
    let url: URL

    init(perennial: URL, data: URL, now: String, work: URL, groupMax: Int) throws {
        let portFile = work.appendingPathComponent("serve.port")
        let log = work.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        try? FileManager.default.removeItem(at: portFile)
        process.executableURL = perennial
        process.arguments = ["serve", "--data", data.path, "--listen", "127.0.0.1:0", "--port-file", portFile.path, "--now", now,
                             "--log-level", "warning", "--group-max", String(groupMax)]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        startedServers.append(process.processIdentifier)
        var port: Int?
        for _ in 0..<1_200 where port == nil && process.isRunning {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { usleep(50_000) }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            throw LoadError("the server did not start; see \(log.path)")
        }
        url = URL(string: "http://127.0.0.1:\(port)")!
    }

    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
