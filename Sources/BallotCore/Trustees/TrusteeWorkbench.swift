import CivicCrypto
import Foundation

/// What one trustee keeps between the steps of the ceremony and until the term-end decryption.
///
/// - Important: this is secret. It rests on disk only inside a ``PassphraseSeal`` (Argon2id +
///   secretbox), is never logged, and `description` prints nothing of it.
public struct TrusteeSecrets: Codable, Sendable, CustomStringConvertible {
    public var record: String
    public var term: String
    public var group: String
    public var index: Int
    public var n: Int
    public var t: Int
    /// The polynomial's coefficients `a_0 … a_{t−1}` (hex scalars).
    var coefficients: [String]
    /// The X25519 secret key that opens shares sent to this trustee (hex).
    var boxSecret: String
    /// `s_j = Σ_i f_i(j)`, once every share was received and checked (hex scalar).
    var share: String?

    public var description: String { "TrusteeSecrets(trustee \(index) of \(n), t = \(t), redacted)" }
    public var hasShare: Bool { share != nil }

    /// Seals these secrets under a passphrase for storage.
    public func sealed(passphrase: String, cost: PassphraseSeal.Cost = .moderate) throws -> PassphraseSeal {
        let data = try JSONEncoder().encode(self)
        return try PassphraseSeal.seal(SecureBytes(Array(data)), passphrase: passphrase, cost: cost)
    }

    /// Opens sealed secrets.
    /// - Throws: a clear error for a wrong passphrase or a damaged file.
    public static func open(_ seal: PassphraseSeal, passphrase: String) throws -> TrusteeSecrets {
        let bytes = try seal.open(passphrase: passphrase)
        return try bytes.withUnsafeBytes { try JSONDecoder().decode(TrusteeSecrets.self, from: Data($0)) }
    }
}

/// The outcome of a trustee checking the shares it received.
public enum TrusteeCheck: Sendable {
    /// Every share matched: the secrets now hold `s_j`; publish the `trustee.ready` payload.
    case ready(TrusteeSecrets, TrusteeReady)
    /// A share did not match its sender's commitments: publish the complaint.
    case complaint(TrusteeComplaint)
}

/// The trustee's side of the ceremony and of the term-end decryption (SPEC §3.6, §4.4, §4.8), for a
/// trustee working with its own files, possibly on its own machine.
public struct TrusteeWorkbench<G: PrimeOrderGroup>: Sendable {
    public let group: G
    public init(group: G) { self.group = group }

    /// Step 0: a fresh polynomial and box key for trustee `index`.
    public func start(record: String, term: String, index: Int, n: Int, t: Int) throws -> TrusteeSecrets {
        let poly = try Polynomial.random(threshold: t, group: group)
        let box = try BoxKeyPair.generate()
        return TrusteeSecrets(record: record, term: term, group: group.name, index: index, n: n, t: t,
                              coefficients: poly.coefficients.map(group.hex), boxSecret: Hex.encode(box.secretKey.copyBytes()),
                              share: nil)
    }

    func polynomial(_ s: TrusteeSecrets) throws -> Polynomial<G> {
        try Polynomial(group: group, coefficients: s.coefficients.map { try group.decodeScalar(hex: $0) })
    }

    func boxPair(_ s: TrusteeSecrets) throws -> BoxKeyPair {
        try BoxKeyPair(secretKey: SecureBytes(Hex.decode(s.boxSecret)))
    }

    /// Step 1: the `trustee.commitments` payload (commitments, proofs of knowledge, box key).
    public func commitments(_ s: TrusteeSecrets) throws -> TrusteeCommitments {
        let poly = try polynomial(s)
        let context = ElectionState<G>.trusteeContext(record: s.record, term: s.term)
        let elements = poly.commitments.elements
        let proofs = poly.coefficients.enumerated().map { k, a in
            ProofAdapter.proveSchnorr(group, secret: a, context: context, binding: Bytes.u32(s.index) + Bytes.u32(k))
        }
        return TrusteeCommitments(trustee: s.index, boxKey: Hex.encode(try boxPair(s).publicKey),
                                  commitments: elements.map(group.hex), proofs: proofs)
    }

    /// Step 2: `f_i(j)` sealed to every other trustee's box key.
    public func shares(_ s: TrusteeSecrets, boxKeys: [Int: [UInt8]]) throws -> TrusteeShares {
        let poly = try polynomial(s)
        var out: [TrusteeShares.Sealed] = []
        for j in 1...s.n where j != s.index {
            guard let key = boxKeys[j] else {
                throw ElectionError(.ceremony, "Trustee \(j) has not published its box key yet; wait for its commitments.")
            }
            let value = SecureBytes(group.encode(poly.evaluate(at: j)))
            out.append(.init(to: j, sealed: Data(try SealedBox.seal(value, to: key)).base64EncodedString()))
        }
        return TrusteeShares(trustee: s.index, shares: out)
    }

    /// Step 3: opens and checks every share sent to this trustee against its sender's commitments.
    /// Returns the `trustee.ready` payload (and the secrets now holding `s_j`), or the complaint
    /// against the first trustee whose share does not match.
    public func check(_ s: TrusteeSecrets, received: [TrusteeShares], commitments: [Int: [G.Element]]) throws -> TrusteeCheck {
        let pair = try boxPair(s)
        let poly = try polynomial(s)
        var total = poly.evaluate(at: s.index)
        for sender in received.sorted(by: { $0.trustee < $1.trustee }) where sender.trustee != s.index {
            guard let item = sender.shares.first(where: { $0.to == s.index }),
                  let sealed = Data(base64Encoded: item.sealed),
                  let opened = try? SealedBox.open(Array(sealed), with: pair),
                  let value = try? opened.withUnsafeBytes({ try group.decodeScalar(Array($0)) }),
                  let elements = commitments[sender.trustee],
                  Threshold.verifyShare(value, index: s.index, commitments: FeldmanCommitments(group: group, elements: elements))
            else {
                return .complaint(TrusteeComplaint(trustee: s.index, against: sender.trustee,
                                                   reason: "The share received does not match the published commitments."))
            }
            total = group.scalarAdd(total, value)
        }
        var updated = s
        updated.share = group.hex(total)
        return .ready(updated, TrusteeReady(trustee: s.index, verificationKey: group.hex(group.expGenerator(total))))
    }

    /// Term end: partial decryptions of every frozen tally item, with proofs.
    public func decrypt(_ s: TrusteeSecrets, items: [TallyItem]) throws -> TallyShare {
        guard let shareHex = s.share else {
            throw ElectionError(.ceremony, "This trustee never completed the key ceremony, so it holds no share to decrypt with.")
        }
        let share = try group.decodeScalar(hex: shareHex)
        let key = group.expGenerator(share)
        var out: [DecryptionSharePayload] = []
        for (i, item) in items.enumerated() {
            let ct = ElGamalCiphertext(group: group, alpha: try group.decodeElement(hex: item.a), beta: try group.decodeElement(hex: item.b))
            let context = ElectionState<G>.decryptionContext(record: s.record, term: s.term, item: i)
            let pd = PartialDecryption.create(ciphertext: ct, secretShare: share, index: s.index, verificationKey: key,
                                              context: context, binding: Bytes.u32(s.index))
            out.append(DecryptionSharePayload(d: group.hex(pd.share), c: group.hex(pd.proof.c), r: group.hex(pd.proof.r)))
        }
        return TallyShare(trustee: s.index, shares: out)
    }
}
