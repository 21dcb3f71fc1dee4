extension DeliberationState {
    /// What ``renderProposal(_:options:)`` shows.
    public struct RenderOptions: Sendable {
        /// Show each version's diff from the one before.
        public var historyDiffs: Bool
        /// Show the text of hidden items (for moderators); otherwise only their hash and the reason.
        public var revealHidden: Bool
        /// Width of the section rules.
        public var width: Int
        public init(historyDiffs: Bool = false, revealHidden: Bool = false, width: Int = 72) {
            self.historyDiffs = historyDiffs
            self.revealHidden = revealHidden
            self.width = width
        }
    }

    /// A proposal as readable terminal text: header and facets, current text, history, open amendments
    /// with their diffs, supports per version, and the discussion with replies indented.
    /// Hidden items show their content hash and the moderator's reason instead of their text.
    /// - Throws: ``DeliberationError/Code/unknownProposal``.
    public func renderProposal(_ id: ProposalID, options: RenderOptions = RenderOptions()) throws -> String {
        let p = try existingProposal(id)
        var out = ""
        func rule(_ title: String) {
            let head = "── \(title) "
            out += "\n" + head + String(repeating: "─", count: max(3, options.width - head.count)) + "\n"
        }
        let content = p.content
        let showText = p.hidden == nil || options.revealHidden
        out += showText ? "\(content.title)\n" : "(hidden proposal)\n"
        out += "id: \(p.id)   track: \(content.track.rawValue) (\(content.track.question))\n"
        out += "status: \(p.status.text)   author: \(name(p.author))\n"
        out += "version \(p.current.number) of \(p.versions.count)   sha256: \(p.current.hash.hex)\n"
        if let hidden = p.hidden {
            out += "HIDDEN by moderator \(name(hidden.moderator)) on \(Self.formatTime(hidden.time)): \(hidden.reason)\n"
            out += "The hidden content keeps its hash \(hidden.contentHash.hex).\n"
        }
        if showText {
            for (label, items) in [("Enjeux", content.facets.enjeux), ("Paradoxes", content.facets.paradoxes), ("Possibles", content.facets.possibles)] where !items.isEmpty {
                out += "\n\(label):\n"
                for item in items { out += "  • \(item)\n" }
            }
            rule("Text")
            out += content.body
            if !content.body.isEmpty, !content.body.hasSuffix("\n") { out += "\n" }
        }

        rule("History")
        var events: [(time: Int64, order: Int, text: String)] = []
        for (i, v) in p.versions.enumerated() {
            let what: String
            switch v.origin {
            case .created: what = "created by \(name(v.by))"
            case .revised: what = "revised by \(name(v.by))"
            case .amendment(let aid):
                let decision: Amendment.Decision? = {
                    if case .accepted(let d) = amendments[aid]?.status { return d }
                    return nil
                }()
                what = "amendment \(aid) accepted by \(name(v.by))" + (decision?.asModerator == true ? " as moderator" : "")
                    + (decision.map { ": \($0.reason)" } ?? "")
            }
            var line = "v\(v.number)  \(Self.formatTime(v.time))  \(what)  [\(v.hash.short)]\n"
            if options.historyDiffs, i > 0, showText {
                let diff = LineDiff(old: TextLines(p.versions[i - 1].content.body), new: TextLines(v.content.body))
                    .unified(oldLabel: "v\(i)", newLabel: "v\(v.number)")
                line += Self.indent(diff.isEmpty ? "(title, track or facets changed; body unchanged)\n" : diff, by: 6)
            }
            events.append((v.time, events.count, line))
        }
        for s in p.statusChanges {
            let who = name(s.by) + (s.asModerator ? " as moderator" : "")
            events.append((s.time, events.count, "status \(s.from.text) → \(s.to.text)  \(Self.formatTime(s.time))  by \(who)" + (s.reason.isEmpty ? "" : ": \(s.reason)") + "\n"))
        }
        for r in moderationLog where r.target == .proposal(id) {
            events.append((r.time, events.count, "\(r.hide ? "hidden" : "shown again")  \(Self.formatTime(r.time))  by moderator \(name(r.moderator)): \(r.reason)  [\(r.contentHash.short)]\n"))
        }
        for e in events.sorted(by: { ($0.time, $0.order) < ($1.time, $1.order) }) { out += e.text }

        let pending = amendments(of: id, pendingOnly: true)
        rule("Open amendments (\(pending.count))")
        if pending.isEmpty { out += "none\n" }
        for a in pending {
            let baseNumber = p.version(a.base)?.number
            let where_ = baseNumber.map { "v\($0)" } ?? a.base.short
            out += "\(a.id) by \(name(a.author)) against \(where_)"
            out += isStale(a) ? " — STALE: the text has changed since; its author must rebase it\n" : " (current)\n"
            if let hidden = a.hidden, !options.revealHidden {
                out += "  hidden by moderator \(name(hidden.moderator)): \(hidden.reason)  [\(hidden.contentHash.short)]\n"
                continue
            }
            if !a.summary.isEmpty { out += "  \(a.summary)\n" }
            let baseBody = p.version(a.base)?.content.body ?? ""
            let diff = LineDiff(old: TextLines(baseBody), new: TextLines(a.proposedBody)).unified(oldLabel: "v\(baseNumber ?? 0)", newLabel: a.id.rawValue)
            out += Self.indent(diff, by: 2)
            let discussion = thread(.amendment(a.id))
            if !discussion.isEmpty {
                out += "  discussion:\n"
                out += renderThread(discussion, indent: 4, revealHidden: options.revealHidden)
            }
        }
        let decided = amendments(of: id).filter { !$0.isPending }
        if !decided.isEmpty {
            out += "decided: " + decided.map { "\($0.id) \($0.status)" }.joined(separator: ", ") + "\n"
        }

        rule("Supports")
        let s = try supportSummary(id)
        out += s.perVersion.reversed().map { "v\($0.number)\($0.hash == p.current.hash ? " (current)" : ""): \($0.count)" }.joined(separator: "   ") + "\n"
        if !s.awaitingConfirmation.isEmpty {
            out += "\(s.awaitingConfirmation.count) earlier supporter(s) asked to confirm the current version\n"
        }

        let discussion = thread(.proposal(id))
        let stances = stanceCounts(.proposal(id))
        let total = stances.values.reduce(0, +)
        rule("Discussion (\(total) comment(s): \(stances[.for] ?? 0) for, \(stances[.against] ?? 0) against, \(stances[.neutral] ?? 0) neutral)")
        out += discussion.isEmpty ? "no comments yet\n" : renderThread(discussion, indent: 0, revealHidden: options.revealHidden)
        return out
    }

    /// One line per proposal: id, status, track, supports of the current version, title.
    public func renderList(_ proposals: [Proposal]) -> String {
        guard !proposals.isEmpty else { return "No proposals.\n" }
        let idWidth = max(2, proposals.map(\.id.rawValue.count).max() ?? 0)
        let statusWidth = max(6, proposals.map(\.status.text.count).max() ?? 0)
        let trackWidth = Track.allCases.map(\.rawValue.count).max() ?? 0
        let header = Self.pad("ID", idWidth) + "  " + Self.pad("STATUS", statusWidth) + "  " + Self.pad("TRACK", trackWidth)
            + "  SUPPORTS  TITLE\n"
        return header + proposals.map { p in
            let count = (try? supportSummary(p.id).current) ?? 0
            return Self.pad(p.id.rawValue, idWidth) + "  " + Self.pad(p.status.text, statusWidth) + "  "
                + Self.pad(p.content.track.rawValue, trackWidth) + "  " + Self.pad("\(count)", 8) + "  "
                + (p.hidden == nil ? p.content.title : "(hidden)") + "\n"
        }.joined()
    }

    func renderThread(_ nodes: [ThreadNode], indent: Int, revealHidden: Bool) -> String {
        var out = ""
        for n in nodes {
            let c = n.comment
            let pad = String(repeating: " ", count: indent + 4 * n.depth)
            out += "\(pad)[\(c.stance.rawValue)] \(name(c.author)) · \(Self.formatTime(c.time)) · \(c.id)\n"
            if let hidden = c.hidden, !revealHidden {
                out += "\(pad)  (hidden by moderator \(name(hidden.moderator)): \(hidden.reason); sha256 \(hidden.contentHash.short))\n"
            } else {
                out += Self.indent(c.body.hasSuffix("\n") ? c.body : c.body + "\n", by: pad.count + 2)
            }
            out += renderThread(n.replies, indent: indent, revealHidden: revealHidden)
        }
        return out
    }

    /// "Display Name (id)", or just the id for an unknown participant.
    func name(_ id: ParticipantID) -> String {
        participants[id].map { "\($0.displayName) (\(id))" } ?? id.rawValue
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - s.count))
    }

    static func indent(_ text: String, by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return TextLines(text).lines.map { pad + $0.text + "\n" }.joined()
    }

    /// `YYYY-MM-DD HH:MM UTC` from milliseconds since 1970 (proleptic Gregorian, no Foundation).
    public static func formatTime(_ ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secOfDay / 3600)):\(two(secOfDay % 3600 / 60)) UTC"
    }
}
