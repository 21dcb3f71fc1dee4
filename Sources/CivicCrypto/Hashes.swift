import CSodium

/// SHA-256 (FIPS 180-4), via libsodium.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: byteCount)
        withContiguousBytes(data) { input in
            checkInfallible(crypto_hash_sha256(&out, input.bindMemory(to: UInt8.self).baseAddress, UInt64(input.count)), "crypto_hash_sha256")
        }
        return out
    }
}

extension SHA256 {
    /// Incremental SHA-256 (`crypto_hash_sha256_*`), so that the log's leaf and node hashes need no
    /// concatenated copies of their inputs.
    public struct Hasher {
        private var state = crypto_hash_sha256_state()

        public init() {
            Sodium.ensureInitialized()
            checkInfallible(crypto_hash_sha256_init(&state), "crypto_hash_sha256_init")
        }

        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { update($0) }
        }

        public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            checkInfallible(crypto_hash_sha256_update(&state, base, UInt64(bytes.count)), "crypto_hash_sha256_update")
        }

        public mutating func update(byte: UInt8) {
            withUnsafeBytes(of: byte) { update($0.bindMemory(to: UInt8.self)) }
        }

        /// Hashes `value` as 4 big-endian bytes.
        public mutating func update(u32be value: UInt32) {
            withUnsafeBytes(of: value.bigEndian) { update($0.bindMemory(to: UInt8.self)) }
        }

        /// Hashes `value` as 8 big-endian bytes.
        public mutating func update(u64be value: UInt64) {
            withUnsafeBytes(of: value.bigEndian) { update($0.bindMemory(to: UInt8.self)) }
        }

        public mutating func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: SHA256.byteCount)
            out.withUnsafeMutableBufferPointer { buffer in
                checkInfallible(crypto_hash_sha256_final(&state, buffer.baseAddress!), "crypto_hash_sha256_final")
            }
            return out
        }
    }

    /// The SHA-256 digest of the concatenation of `parts` (without concatenating them).
    public static func hash(parts: [UInt8]...) -> [UInt8] {
        var hasher = Hasher()
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }
}

/// SHA-512 (FIPS 180-4), via libsodium.
public enum SHA512 {
    /// The digest length in bytes.
    public static let byteCount = 64

    /// The SHA-512 digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: byteCount)
        withContiguousBytes(data) { input in
            checkInfallible(crypto_hash_sha512(&out, input.bindMemory(to: UInt8.self).baseAddress, UInt64(input.count)), "crypto_hash_sha512")
        }
        return out
    }
}

/// BLAKE2b (RFC 7693), libsodium's `crypto_generichash`.
public enum BLAKE2b {
    /// Hashes `data`, optionally keyed, to `outputLength` bytes (16…64).
    /// - Throws: ``CryptoError/Code/invalidParameter`` for an output length or key length out of range.
    public static func hash(_ data: some Collection<UInt8>, key: [UInt8]? = nil, outputLength: Int = 32) throws -> [UInt8] {
        Sodium.ensureInitialized()
        guard outputLength >= Int(crypto_generichash_BYTES_MIN), outputLength <= Int(crypto_generichash_BYTES_MAX) else {
            throw CryptoError.invalidParameter("BLAKE2b output length must be between 16 and 64 bytes.")
        }
        if let key, key.count < Int(crypto_generichash_KEYBYTES_MIN) || key.count > Int(crypto_generichash_KEYBYTES_MAX) {
            throw CryptoError.invalidParameter("BLAKE2b key length must be between 16 and 64 bytes.")
        }
        var out = [UInt8](repeating: 0, count: outputLength)
        let key = key ?? []
        let rc = withContiguousBytes(data) { input in
            key.withUnsafeBufferPointer { k in
                crypto_generichash(
                    &out, outputLength, input.bindMemory(to: UInt8.self).baseAddress, UInt64(input.count),
                    k.count == 0 ? nil : k.baseAddress, k.count)
            }
        }
        try check(rc, "crypto_generichash")
        return out
    }
}

/// Runs `body` over contiguous bytes of any collection (copying only when it is not contiguous).
@inline(__always)
func withContiguousBytes<R>(_ data: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    if let r = try data.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
        return r
    }
    return try Array(data).withUnsafeBytes(body)
}
