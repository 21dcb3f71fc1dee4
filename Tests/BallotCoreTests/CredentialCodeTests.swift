import CivicCrypto
import Foundation
import Testing
@testable import BallotCore

/// The Crockford alphabet, written out independently of the implementation.
let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

func printed(_ code: CredentialCode) -> String { code.revealForPrinting() }

func compact(_ code: CredentialCode) -> String {
    code.withSecretBytes { String(decoding: $0, as: UTF8.self) }
}

func parseError(_ text: String) -> ElectionError? {
    do {
        _ = try CredentialCode(parsing: text)
        return nil
    } catch let error as ElectionError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

func randomCodes(seed: UInt64, count: Int) -> [CredentialCode] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in CredentialCode.random(using: &generator) }
}

@Suite("Credential codes")
struct CredentialCodeTests {
    // MARK: Format and known vectors (computed by hand)

    @Test(arguments: [
        // All zero: every value 0, check 0.
        ([UInt8](repeating: 0, count: 12), "00000-00000-00000-00000"),
        // All ones: 18 × 31, check Σ(i+1)·31 = 31·171 = 5301 ≡ 196 = 6·32 + 4 (mod 1021).
        ([UInt8](repeating: 0xFF, count: 12), "ZZZZZ-ZZZZZ-ZZZZZ-ZZZ64"),
        // First byte 0000_1000: first value 1, check 1·1 = 1.
        ([0x08] + [UInt8](repeating: 0, count: 11), "10000-00000-00000-00001"),
        // Bits 88-89 set: last payload value 00011 = 3, check 18·3 = 54 = 1·32 + 22 ("P"); the last
        // 6 bits of byte 12 are not used.
        ([UInt8](repeating: 0, count: 11) + [0xC0], "00000-00000-00000-0031P"),
        ([UInt8](repeating: 0, count: 11) + [0xFF], "00000-00000-00000-0031P"),
    ])
    func knownVectors(bytes: [UInt8], expected: String) throws {
        let code = try CredentialCode(secretBytes: bytes)
        #expect(printed(code) == expected)
        #expect(try CredentialCode(parsing: expected) == code)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomCodesRoundTrip(seed: UInt64) throws {
        for code in randomCodes(seed: seed, count: 200) {
            let text = printed(code)
            let groups = text.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.count == 4 && groups.allSatisfy { $0.count == 5 })
            #expect(text.filter { $0 != "-" }.allSatisfy(crockford.contains))
            #expect(compact(code) == text.replacingOccurrences(of: "-", with: ""))
            #expect(try CredentialCode(parsing: text) == code)
            // The check characters hold Σ(i+1)·vᵢ mod 1021, recomputed here from the alphabet.
            let values = compact(code).map { crockford.firstIndex(of: $0)! }
            let sum = (0..<18).reduce(0) { $0 + ($1 + 1) * values[$1] } % 1021
            #expect(values[18] * 32 + values[19] == sum)
        }
    }

    @Test func distinctBytesGiveDistinctCodes() throws {
        let codes = randomCodes(seed: 99, count: 500)
        #expect(Set(codes.map(compact)).count == 500)
        #expect(codes[0] != codes[1])
        #expect(codes[0] == (try CredentialCode(parsing: printed(codes[0]))))
    }

    @Test func generateFillsTwelveBytesInPlace() {
        var sizes: [Int] = []
        let code = CredentialCode.generate { buffer in
            sizes.append(buffer.count)
            for index in buffer.indices { buffer[index] = 0xFF }
        }
        #expect(sizes == [12])
        #expect(printed(code) == "ZZZZZ-ZZZZZ-ZZZZZ-ZZZ64")
    }

    // MARK: Typo detection, exhaustive

    /// Every single-character substitution (31 alternatives at each of the 20 positions) and every
    /// swap of two adjacent different characters is caught as a checksum mismatch.
    @Test(arguments: [11, 12, 13, 14, 15, 16, 17, 18] as [UInt64])
    func everySubstitutionAndAdjacentSwapIsCaught(seed: UInt64) {
        var codes = randomCodes(seed: seed, count: 3).map { Array(compact($0)) }
        // Codes with repeated neighbours, check characters equal to the last payload one, and extremes.
        codes.append(Array(printed(try! CredentialCode(secretBytes: [UInt8](repeating: 0xFF, count: 12))).filter { $0 != "-" }))
        codes.append(Array("00000000000000000000"))
        var substitutions = 0
        var swaps = 0
        for code in codes {
            #expect(parseError(String(code)) == nil)
            for position in 0..<20 {
                for replacement in crockford where replacement != code[position] {
                    var typo = code
                    typo[position] = replacement
                    #expect(parseError(String(typo))?.reason == .credentialCodeChecksum, "substitution at \(position)")
                    substitutions += 1
                }
            }
            for position in 0..<19 where code[position] != code[position + 1] {
                var typo = code
                typo.swapAt(position, position + 1)
                #expect(parseError(String(typo))?.reason == .credentialCodeChecksum, "swap at \(position)")
                swaps += 1
            }
        }
        #expect(substitutions == codes.count * 20 * 31)
        #expect(swaps > 0)
    }

    /// Swapping the last payload character with the first check character is caught whatever the values
    /// (the sum moves by 18·d and the check by −32·d, so they can only agree if d ≡ 0 mod 1021).
    @Test func boundarySwapIsCaughtForAllValuePairs() throws {
        var generator = SplitMix64(seed: 7)
        var tried = 0
        while tried < 400 {
            let code = Array(compact(CredentialCode.random(using: &generator)))
            guard code[17] != code[18] else { continue }
            var typo = code
            typo.swapAt(17, 18)
            #expect(parseError(String(typo))?.reason == .credentialCodeChecksum)
            tried += 1
        }
    }

    // MARK: Normalisation

    @Test func typingIsForgiving() throws {
        // "10000-00000-00000-00001" contains only 0 and 1, so it can be typed with O, I and L.
        let code = try CredentialCode(secretBytes: [0x08] + [UInt8](repeating: 0, count: 11))
        for typed in ["10000-00000-00000-00001", "10000 00000 00000 00001", "10000000000000000001",
                      "I0000-OOOOO-00000-0000L", "i0ooo-00000-00000-0000l", "  10000\t00000\n00000 - 00001  ",
                      "1-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-1", "L0000-00000-00000-0000I"] {
            #expect(try CredentialCode(parsing: typed) == code, "\(typed)")
            #expect(compact(try CredentialCode(parsing: typed)) == "10000000000000000001")
        }
        for code in randomCodes(seed: 5, count: 50) {
            #expect(try CredentialCode(parsing: printed(code).lowercased()) == code)
            #expect(try CredentialCode(parsing: printed(code).replacingOccurrences(of: "-", with: " ")) == code)
        }
    }

    // MARK: Errors

    @Test func wrongLengthSaysHowManyWereTyped() throws {
        let text = printed(randomCodes(seed: 3, count: 1)[0])
        let short = try #require(parseError(String(text.dropLast())))
        #expect(short.reason == .credentialCodeLength)
        #expect(short.description.hasPrefix("A credential code has 20 characters; you typed 19."))
        let long = try #require(parseError(text + "7"))
        #expect(long.description.hasPrefix("A credential code has 20 characters; you typed 21."))
        let empty = try #require(parseError(" - "))
        #expect(empty.description.hasPrefix("A credential code has 20 characters; you typed none."))
        #expect(short.position == nil)
    }

    @Test(arguments: [("U", 8), ("u", 8), ("*", 8), ("é", 8), ("Ø", 8), ("1", 0)] as [(String, Int)])
    func invalidCharactersAreNamedByPosition(character: String, position: Int) throws {
        var text = Array(printed(randomCodes(seed: 4, count: 1)[0]).map(String.init))
        guard position > 0 else {
            // Control: a valid character there is not reported as invalid.
            #expect(parseError(text.joined())?.reason != .credentialCodeCharacter)
            return
        }
        text[position - 1] = character  // group 2, second character (the dash is position 6)
        let error = try #require(parseError(text.joined()))
        #expect(error.reason == .credentialCodeCharacter)
        #expect(error.position == position)
        #expect(error.description.hasPrefix("Character \(position) of what you typed cannot appear in a credential code."))
        #expect(error.description.contains("except U"))
    }

    @Test func invalidCharacterIsReportedBeforeLength() throws {
        let error = try #require(parseError("7KQ2U"))
        #expect(error.reason == .credentialCodeCharacter)
        #expect(error.position == 5)
    }

    @Test func checksumMismatchSaysACharacterIsMistyped() throws {
        var text = Array(printed(randomCodes(seed: 6, count: 1)[0]))
        text[0] = text[0] == "7" ? "8" : "7"
        let error = try #require(parseError(String(text)))
        #expect(error.reason == .credentialCodeChecksum)
        #expect(error.description.contains("one character is probably mistyped"))
        // Check values 1021...1023 are never produced; a zero payload (sum 0) with check 1021 ≡ 0 is refused.
        #expect(parseError("000000000000000000ZZ")?.reason == .credentialCodeChecksum)
        #expect(parseError("000000000000000000Z\(crockford[29])")?.reason == .credentialCodeChecksum) // 31·32 + 29 = 1021
    }

    @Test(arguments: [0, 11, 13, 32])
    func secretBytesMustBeTwelve(count: Int) {
        do {
            _ = try CredentialCode(secretBytes: [UInt8](repeating: 1, count: count))
            Issue.record("accepted \(count) bytes")
        } catch let error as ElectionError {
            #expect(error.reason == .credentialSecretLength)
            #expect(error.description.hasPrefix("A credential code is made from exactly 12 random bytes; \(count) were given."))
        } catch { Issue.record("unexpected error \(error)") }
    }

    // MARK: Secrecy

    @Test func descriptionsAreRedacted() throws {
        let code = randomCodes(seed: 8, count: 1)[0]
        let secret = compact(code)
        var dumped = ""
        dump(code, to: &dumped)
        for shown in [code.description, code.debugDescription, String(describing: code), String(reflecting: code),
                      "\(code)", "\([code])", "\(Optional(code) as Any)", dumped] {
            #expect(shown.contains("CredentialCode"))
            #expect(!shown.contains(String(secret.prefix(5))), "\(shown)")
            #expect(!shown.contains(String(secret.suffix(5))), "\(shown)")
        }
        #expect(code.description == "CredentialCode(redacted)")
        #expect(code.debugDescription == "CredentialCode(redacted)")
    }

    @Test func errorsNeverQuoteTheCode() throws {
        let text = printed(randomCodes(seed: 9, count: 1)[0])
        let groups = text.split(separator: "-").map(String.init)
        for typo in [String(text.dropLast()), text.replacingOccurrences(of: groups[1], with: "UUUUU"),
                     groups[0] + groups[1] + groups[3] + groups[2]] {
            let error = try #require(parseError(typo))
            for group in groups { #expect(!error.description.contains(group)) }
        }
    }

    @Test func secretBytesAreTheTwentyNormalizedCharacters() throws {
        let code = randomCodes(seed: 10, count: 1)[0]
        let typed = printed(code).lowercased().replacingOccurrences(of: "-", with: " ")
        let parsed = try CredentialCode(parsing: typed)
        let bytes = parsed.withSecretBytes { Array($0) }
        #expect(bytes.count == 20)
        #expect(String(decoding: bytes, as: UTF8.self) == printed(code).replacingOccurrences(of: "-", with: ""))
        #expect(bytes.allSatisfy { crockford.contains(Character(UnicodeScalar($0))) })
    }

    @Test func wipeZeroesTheBuffer() {
        var buffer = Array("7KQ2MXW4PB9TRHD3NVE0".utf8)
        #expect(buffer != [UInt8](repeating: 0, count: 20))
        buffer.withUnsafeMutableBytes { SecureBytes.wipe($0) }
        #expect(buffer == [UInt8](repeating: 0, count: 20))
        // The code's own storage is a SecureBytes: never printed.
        var generator = SystemRandomNumberGenerator()
        let code = CredentialCode.random(using: &generator)
        #expect(!"\(code.storage)".contains(String(code.revealForPrinting().prefix(5))))
    }
}
