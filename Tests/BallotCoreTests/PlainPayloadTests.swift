import BallotCore
import CivicCrypto
import CivicLog
import Foundation
import Testing

/// `roll.enrol` payloads in their plain form are read in one pass (``FlatPayload``); every other
/// form goes the general, strict way. The two must never disagree.
@Suite("Plain payloads")
struct PlainPayloadTests {
    static let credential = Hex.encode(Ed25519.SigningKey.generate().publicKey.rawRepresentation)

    static func plain(from: String? = nil, until: String? = nil) -> [UInt8] {
        RollEnrol(credential: credential, birthday: "03-10", eligibleFrom: from, eligibleUntil: until)
            .payloadBytes(record: "x.example/r", term: "t")
    }

    @Test func theRegistrarsOwnPayloadIsReadInOnePassToTheSameValue() throws {
        for bytes in [Self.plain(), Self.plain(from: "2027-01-01"), Self.plain(from: "2027-01-01", until: "2028-01-01")] {
            let fast = try #require(RollEnrol.decodePlain(bytes))
            #expect(fast == (try JSONDecoder().decode(RollEnrol.self, from: Data(bytes))))
            #expect(try RollEnrol.decode(bytes) == fast)
        }
    }

    /// Valid payloads in other forms: not plain, and decoded by the general path to the same value.
    @Test(arguments: [
        #"{"kind": "roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-10","eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-\u0031\u0030","eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","birthday":"03-10","credential":"CRED","eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-10"}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-10","eligible_from":null,"eligible_until":null} "#,
    ])
    func otherFormsTakeTheGeneralPathToTheSameValue(text: String) throws {
        let bytes = Array(text.replacingOccurrences(of: "CRED", with: Self.credential).utf8)
        #expect(RollEnrol.decodePlain(bytes) == nil)
        #expect(try RollEnrol.decode(bytes) == RollEnrol(credential: Self.credential, birthday: "03-10", eligibleFrom: nil, eligibleUntil: nil))
    }

    /// What the general path refuses is never plain: a key twice, an unknown key, a wrong type, bytes
    /// after the object, another kind.
    @Test(arguments: [
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-10","birthday":"04-10","eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","note":"03-10","eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":310,"eligible_from":null,"eligible_until":null}"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":"CRED","birthday":"03-10","eligible_from":null,"eligible_until":null}x"#,
        #"{"kind":"roll.enrol","record":"x.example/r","term":"t","credential":null,"birthday":"03-10","eligible_from":null,"eligible_until":null}"#,
    ])
    func whatTheGeneralPathRefusesIsNeverPlain(text: String) {
        let bytes = Array(text.replacingOccurrences(of: "CRED", with: Self.credential).utf8)
        #expect(RollEnrol.decodePlain(bytes) == nil)
        #expect(throws: ElectionError.self) { try RollEnrol.decode(bytes) }
    }

    @Test func flatMembersStopAtAnythingButPlainStringsAndNull() {
        #expect(FlatPayload.members(Array(#"{"a":"b","c":null}"#.utf8))?.map { $0.key } == ["a", "c"])
        #expect(FlatPayload.members(Array(#"{}"#.utf8))?.isEmpty == true)
        for text in [#"{"a":"b" }"#, #"{"a":"\n"}"#, #"{"a":1}"#, #"{"a":{"b":"c"}}"#, #"{"a":["b"]}"#, #"{"a":true}"#,
                     #"{"a":"é"}"#, #"{"a":"b"}{"#, #"{"a":"b""#, #"{"a":nul}"#, #"{"a""b"}"#, #"["a"]"#, ""] {
            #expect(FlatPayload.members(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
