#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file one line at a time through a fixed buffer, so memory stays flat however large the
/// record grows. Lines are returned without their newline; ``missingFinalNewline`` tells whether the
/// last line lacked one (SPEC.md §1: every file ends with a newline).
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// Byte offset in the file of the next line to be returned.
    public private(set) var offset: UInt64 = 0
    /// Set once the file has ended with a line that had no newline.
    public private(set) var missingFinalNewline = false
    public let path: String

    /// Opens the file.
    /// - Throws: ``AuditError`` (unreadable) if it cannot be opened.
    public init(path: String, startingAt offset: UInt64 = 0, bufferSize: Int = 1 << 16) throws(AuditError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable("cannot open \(path): \(String(cString: strerror(errno)))") }
        if offset > 0 {
            guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
                close(fd)
                throw .unreadable("cannot seek in \(path)")
            }
        }
        self.fd = fd
        self.path = path
        self.offset = offset
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    deinit { close(fd) }

    /// The next line, or nil at the end of the file.
    /// - Throws: ``AuditError`` (unreadable) on an I/O error.
    public func nextLine() throws(AuditError) -> [UInt8]? {
        var carried: [UInt8] = []
        while true {
            // memchr: this runs on the in-order thread over every byte of the record.
            let newline: Int? = buffer.withUnsafeBytes { b in
                guard end > start, let p = memchr(b.baseAddress! + start, 0x0a, end - start) else { return nil }
                return UnsafeRawPointer(p) - b.baseAddress!
            }
            if let nl = newline {
                let line = carried + buffer[start..<nl]
                offset += UInt64(nl - start + 1)
                start = nl + 1
                return line
            }
            carried += buffer[start..<end]
            offset += UInt64(end - start)
            start = 0
            end = 0
            if eof {
                if carried.isEmpty { return nil }
                missingFinalNewline = true
                return carried
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { eof = true } else { end = n }
        }
    }
}
