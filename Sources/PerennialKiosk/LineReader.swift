#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor with an idle time-out, without stdio buffering, so it works
/// the same on a terminal, a serial line, tmux or a pipe. A line ends at LF, CR or CR LF.
final class LineReader {
    enum Event: Equatable {
        case line(String)
        case timeout
        case end
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var lastWasCR = false
    private var closed = false

    init(fd: Int32 = 0) { self.fd = fd }

    /// The next line, `.timeout` after `seconds` without a complete line, or `.end` at end of input.
    func next(timeoutSeconds seconds: Int) -> Event {
        var waited = 0
        while true {
            if let line = takeLine() { return .line(line) }
            if closed {
                if buffer.isEmpty { return .end }
                defer { wipe() }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let slice = 1_000
            let ready = poll(&pfd, 1, Int32(slice))
            if ready < 0 {
                if errno == EINTR { continue }
                closed = true
                continue
            }
            if ready == 0 {
                waited += slice
                if waited >= seconds * 1_000 {
                    // Forget what was half typed: here, and in the terminal's own line buffer.
                    wipe()
                    if isatty(fd) == 1 { tcflush(fd, TCIFLUSH) }
                    return .timeout
                }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 1_024)
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                closed = true
            } else {
                append(chunk[0..<count])
                waited = 0
            }
            _ = chunk.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if byte == 0x0A && lastWasCR { lastWasCR = false; continue }
            lastWasCR = byte == 0x0D
            buffer.append(byte == 0x0D ? 0x0A : byte)
        }
    }

    private func takeLine() -> String? {
        guard let end = buffer.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: buffer[..<end], as: UTF8.self)
        // What was typed may be a credential code: overwrite the bytes before dropping them.
        for i in 0...end { buffer[i] = 0 }
        buffer.removeFirst(end + 1)
        return line
    }

    private func wipe() {
        for i in buffer.indices { buffer[i] = 0 }
        buffer.removeAll()
    }
}
