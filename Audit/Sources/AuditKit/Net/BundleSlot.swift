/// One slot of a C2SP entry bundle as SPEC.md §2.7 writes it: `u16be(len) || leaf`; for a leaf of
/// 65,535 bytes or more `0xFF 0xFF || u32be(len) || leaf`; for a redacted entry (a comment hidden
/// by moderation) `0xFF 0xFF 0x00 0x00 0x00 0x00 || 0x02 || u64be(time) || author || leaf hash ||
/// u32be(len) || stand-in`. Anything else is refused.
enum BundleSlot {
    case leaf([UInt8])
    case redacted(time: UInt64, author: [UInt8], leafHash: [UInt8], standIn: [UInt8])

    /// Reads the slot at `offset` and moves past it.
    static func read(_ bundle: [UInt8], at offset: inout Int, path: String, position: Int) throws(AuditError) -> BundleSlot {
        func need(_ n: Int, _ what: String) throws(AuditError) {
            guard offset + n <= bundle.count else { throw .malformed("\(path) ends inside its entry \(position)'s \(what)") }
        }
        try need(2, "length")
        var length = Int(bundle[offset]) << 8 | Int(bundle[offset + 1])
        offset += 2
        if length == 0xFFFF {
            try need(4, "length")
            length = u32(bundle, offset)
            offset += 4
            if length == 0 {
                try need(1 + 8 + 32 + 32 + 4, "redacted slot")
                guard bundle[offset] == 0x02 else {
                    throw .malformed("\(path): entry \(position)'s redacted slot has format byte \(bundle[offset]), not 2")
                }
                let time = u64(bundle, offset + 1)
                let author = Array(bundle[offset + 9..<offset + 41])
                let leafHash = Array(bundle[offset + 41..<offset + 73])
                let standInLength = u32(bundle, offset + 73)
                offset += 77
                guard standInLength > 0 else { throw .malformed("\(path): entry \(position)'s redacted slot has an empty stand-in") }
                try need(standInLength, "stand-in")
                let standIn = Array(bundle[offset..<offset + standInLength])
                offset += standInLength
                return .redacted(time: time, author: author, leafHash: leafHash, standIn: standIn)
            }
            guard length >= 0xFFFF else { throw .malformed("\(path): entry \(position) uses the long length for a short leaf") }
        }
        try need(length, "leaf")
        offset += length
        return .leaf(Array(bundle[offset - length..<offset]))
    }

    static func u32(_ b: [UInt8], _ at: Int) -> Int {
        b[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 {
        b[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
