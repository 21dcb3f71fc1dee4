#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The kiosk's terminal, locked down: raw mode with the terminal's own signal keys (Ctrl-C, Ctrl-\,
/// Ctrl-Z), flow control (Ctrl-S, Ctrl-Q) and echo off, so that every key reaches the kiosk as a
/// byte and no key stops, suspends or freezes it. Restored on a staff stop.
final class Terminal {
    let input: Int32
    let output: Int32
    private var saved: termios?

    init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    var inputIsTTY: Bool { isatty(input) == 1 }
    var outputIsTTY: Bool { isatty(output) == 1 }

    /// Enters raw mode when the input is a terminal (a pipe stays as it is).
    func lockDown() {
        guard inputIsTTY else { return }
        var t = termios()
        guard tcgetattr(input, &t) == 0 else { return }
        saved = t
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY)
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        t.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &t)
    }

    /// Puts the terminal back as it was (staff stop).
    func restore() {
        guard var t = saved else { return }
        tcsetattr(input, TCSAFLUSH, &t)
    }

    /// Drops whatever was typed and not read yet (the last voter's keys).
    func flushInput() {
        if inputIsTTY { tcflush(input, TCIFLUSH) }
    }

    /// Columns and rows: the terminal's, else $COLUMNS and $LINES, else 80×24.
    func size() -> (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        let env = ProcessInfo.processInfo.environment
        return (env["COLUMNS"].flatMap(Int.init) ?? 80, env["LINES"].flatMap(Int.init) ?? 24)
    }

    /// Writes all of `text` (retrying after signals).
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        bytes.removeAll()
    }
}

/// Signals, turned into bytes on a pipe that the kiosk's loop polls with its input (the handler
/// only writes the signal number: async-signal-safe).
enum SignalPipe {
    nonisolated(unsafe) static var writeEnd: Int32 = -1
    nonisolated(unsafe) static var readEnd: Int32 = -1

    /// Catches `signals` from now on.
    static func install(_ signals: [Int32]) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = Glibc.write(SignalPipe.writeEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
        // A parent may have left signals blocked (Foundation's Process does): unblock them.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
    }

    /// The signals received since the last call.
    static func drain() -> [Int32] {
        var out: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(readEnd, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n].map { Int32($0) }
        }
        return out
    }
}

/// Swift's backtracer would, on a crash or a SIGQUIT, offer an interactive console (memory,
/// registers) on the kiosk's terminal while a voter's key may be in memory. It is configured only
/// by the environment at start-up, so the kiosk re-executes itself once with it disabled.
enum Backtracer {
    static let setting = "enable=no"

    static func disableByReexec() {
        if let current = getenv("SWIFT_BACKTRACE"), String(cString: current) == setting { return }
        setenv("SWIFT_BACKTRACE", setting, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed: go on; SIGQUIT is caught by the kiosk anyway.
    }
}

/// Monotonic seconds (never jumps with the wall clock).
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
