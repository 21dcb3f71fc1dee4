import CGMP
import Foundation

// Public-exponent exponentiation for the Schnorr groups in Montgomery form (CGMP `montgomery.h`).
// VARIABLE TIME: only for verification, where every base and exponent is public. Secret exponents
// use `mpz_powm_sec` (``ModPGroup/exp(_:_:)``).

extension ModPGroup {
    /// The Montgomery context of the modulus `p` (`−1/p mod 2^64`, `R² mod p`, `R mod p`).
    /// Tables and ladders point to it, so each keeps a reference.
    final class MontgomeryContext: @unchecked Sendable {  // immutable after init
        let pointer: UnsafeMutablePointer<perennial_mont>

        init(modulus: MPZ) {
            guard let c = perennial_mont_new(modulus.pointer) else {
                fatalError("CivicCrypto: cannot build a Montgomery context (modulus even or too large, or out of memory)")
            }
            pointer = c
        }

        deinit { perennial_mont_free(pointer) }
    }

    /// Precomputed `base^(d·2^(w·i))` for every window `i` and digit `1 ≤ d < 2^w` (in Montgomery
    /// form): `base^e` is then one product per non-zero window of `e` and no squaring. 8-bit windows:
    /// 32 products for a 256-bit exponent, 255·32 entries (2 MiB at 2048 bits, 4 MiB at 4096).
    final class FixedBaseTable: @unchecked Sendable {  // immutable after init
        static let windowBits: UInt32 = 8
        let context: MontgomeryContext
        let pointer: UnsafeMutablePointer<perennial_mont_table>

        init(base: MPZ, context: MontgomeryContext, exponentBits: Int) {
            guard let t = perennial_mont_table_new(context.pointer, base.pointer, exponentBits, Self.windowBits) else {
                fatalError("CivicCrypto: out of memory building a fixed-base table")
            }
            self.context = context
            pointer = t
        }

        deinit { perennial_mont_table_free(pointer) }

        /// `base^exponent mod p` (exponent below 2^exponentBits: every scalar is).
        func exp(_ exponent: MPZ) -> MPZ {
            let r = MPZ()
            checkInfallible(perennial_mont_table_exp_out(r.pointer, pointer, exponent.pointer), "fixed-base exponent wider than q")
            return r
        }

        /// `base^exponent · ladder's base^ladderExponent mod p`, converted out of Montgomery form once.
        func exp(_ exponent: MPZ, times ladder: PowerLadder, raisedTo ladderExponent: MPZ) -> MPZ {
            let r = MPZ()
            let rc = perennial_mont_table_ladder_exp(r.pointer, pointer, exponent.pointer, ladder.pointer, ladderExponent.pointer)
            checkInfallible(rc, "table·ladder exponent wider than q")
            return r
        }
    }

    /// The powers `x^(2^(4·i))` of one base `x` (Montgomery form): the squarings of one
    /// exponentiation, kept, so that every further `x^e` costs ~64 + 15 products (Yao's method)
    /// instead of ~256 squarings. Built when an element is decoded (its membership check `x^q` uses
    /// it) and reused by the proof branches that raise the same `α` or `β` to their `−c_j`.
    final class PowerLadder: @unchecked Sendable {  // immutable after init
        static let windowBits: UInt32 = 4
        let context: MontgomeryContext
        let pointer: UnsafeMutablePointer<perennial_mont_ladder>

        init(base: MPZ, context: MontgomeryContext, exponentBits: Int) {
            guard let l = perennial_mont_ladder_new(context.pointer, base.pointer, exponentBits, Self.windowBits) else {
                fatalError("CivicCrypto: out of memory building a power ladder")
            }
            self.context = context
            pointer = l
        }

        deinit { perennial_mont_ladder_free(pointer) }

        /// Whether `x^exponent ≡ 1 (mod p)`.
        func isOne(raisedTo exponent: MPZ) -> Bool {
            let rc = perennial_mont_ladder_exp_is_one(pointer, exponent.pointer)
            checkInfallible(rc < 0 ? -1 : 0, "ladder exponent wider than q")
            return rc == 1
        }
    }

    /// The ladders of the most recently decoded (or raised) elements, at most ``capacity``, the oldest
    /// dropped first. Only public values and their powers are kept. A ballot's checks decode `α` and
    /// `β` and verify their proofs moments later, so a few hundred entries cover many ballots checked
    /// in parallel (16 KiB each at 2048 bits, 32 KiB at 4096).
    ///
    /// An entry also says whether its value passed decoding's membership check (`x^q ≡ 1`), so a
    /// value decoded again (a ballot's proofs checked ahead, then the ballot applied) skips the
    /// check: a value equal to one that passed passes. Entries made outside decoding say no.
    final class LadderCache: @unchecked Sendable {  // every access under `lock`
        struct Entry {
            let ladder: PowerLadder
            /// `x^q ≡ 1 (mod p)` was checked for this value.
            let checkedMember: Bool
        }

        static let capacity = 512
        private let lock = NSLock()
        private var entries: [Element: Entry] = [:]
        private var order: [Element] = []
        private var oldest = 0

        func entry(for element: Element) -> Entry? {
            lock.lock()
            defer { lock.unlock() }
            return entries[element]
        }

        func ladder(for element: Element) -> PowerLadder? { entry(for: element)?.ladder }

        /// Keeps `ladder` for `element`; an existing entry is only replaced to record a membership check.
        func insert(_ ladder: PowerLadder, for element: Element, checkedMember: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if let existing = entries[element] {
                if checkedMember && !existing.checkedMember { entries[element] = Entry(ladder: ladder, checkedMember: true) }
                return
            }
            if order.count < Self.capacity {
                order.append(element)
            } else {
                entries[order[oldest]] = nil
                order[oldest] = element
                oldest = (oldest + 1) % Self.capacity
            }
            entries[element] = Entry(ladder: ladder, checkedMember: checkedMember)
        }

        /// How many ladders are kept (for tests).
        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return entries.count
        }
    }
}
