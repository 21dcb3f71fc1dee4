import Testing
@testable import CivicCrypto

@Test func CivicCryptoBuilds() {
    #expect(Bool(true))
}
