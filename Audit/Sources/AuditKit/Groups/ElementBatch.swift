/// Elements decoded now whose subgroup membership is checked together later (SPEC.md §3.1, batched
/// membership, eg4096): a ballot's decoder takes its elements through ``element(hex:)`` and calls
/// ``check()`` before using any of them. In the other groups each element is fully checked when
/// decoded, and ``check()`` has nothing left to do.
public final class ElementBatch<G: PrimeOrderGroup> {
    public let group: G
    private var pending: [G.Element] = []

    /// Whether the group leaves membership to ``check()`` (eg4096); in the others every element was
    /// checked when decoded and nothing is kept.
    private let defers: Bool

    public init(_ group: G) {
        self.group = group
        defers = (group as? ModpGroup)?.batchesMembership ?? false
    }

    /// Decodes an element as ``PrimeOrderGroup/element(hex:)`` does, except that its membership test
    /// waits for ``check()``.
    public func element(hex: String) throws(AuditError) -> G.Element {
        let e = try group.elementCandidate(hex: hex)
        // Only a group whose membership test waits for ``check()`` needs the element kept.
        if defers { pending.append(e) }
        return e
    }

    /// Refuses the batch if any element decoded since the last check is not in the group.
    public func check() throws(AuditError) {
        defer { pending.removeAll(keepingCapacity: true) }
        if let bad = group.firstNonMember(pending) {
            throw .invalidElement("a \(group.name) element (number \(bad + 1) of \(pending.count) in its ballot contest) is not in the order-q subgroup")
        }
    }
}
