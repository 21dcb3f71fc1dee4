// libFuzzer target: the engine's payload readers (PayloadHeader, PayloadShape) on arbitrary bytes.
// Built by `make fuzz` with `swiftc -sanitize=fuzzer` from the CivicLog sources it needs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnginePayload(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let header = try? PayloadHeader.parse(bytes) {
        // A payload the header accepts is valid JSON: the strict shape must agree or name a reason.
        _ = try? PayloadShape.parse(bytes)  // throws(LogError): no other error can escape
        precondition(!header.kind.isEmpty)
    }
    return 0
}
