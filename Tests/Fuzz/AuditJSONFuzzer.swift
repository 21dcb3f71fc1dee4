// libFuzzer target: the audit's JSON reader on arbitrary bytes (typed throws: only AuditError).
// Built by `make fuzz` with `swiftc -sanitize=fuzzer` from the AuditKit sources it needs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuditJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSON.parse(bytes) {
        // What parses must re-serialise to text that parses to the same value.
        precondition((try? JSON.parse(value.compactText)) == value)
    }
    return 0
}
