import Foundation

/// One call, read once, against which conditions are evaluated.
struct CallContext {
    let segments: [Segment]
    let scans: [SegmentScan]
    let duration: Double
    let timeline: SpeechTimeline
    let silences: [Silence]
    let overtalk: [Overtalk]
    let emotion: EmotionReport
    let hasText: Bool
    /// Keyword occurrences per leaf: (segment, phrase, span).
    let leafHits: [[(segment: Int, phrase: Int, span: Span)]]
    /// Position of each segment among its speaker's segments.
    let speakerTurn: [Int]
    let turnCount: [Speaker: Int]

    init(segments: [Segment], scans: [SegmentScan], leafCount: Int, duration: Double, timeline: SpeechTimeline,
         silences: [Silence], overtalk: [Overtalk], emotion: EmotionReport, hasText: Bool) {
        self.segments = segments
        self.scans = scans
        self.duration = duration
        self.timeline = timeline
        self.silences = silences
        self.overtalk = overtalk
        self.emotion = emotion
        self.hasText = hasText
        var hits = [[(segment: Int, phrase: Int, span: Span)]](repeating: [], count: leafCount)
        for (segment, scan) in scans.enumerated() {
            for hit in scan.hits { hits[hit.leaf].append((segment, hit.phrase, hit.span)) }
        }
        leafHits = hits
        var counts: [Speaker: Int] = [:]
        var turns: [Int] = []
        for segment in segments {
            turns.append(counts[segment.speaker, default: 0])
            counts[segment.speaker, default: 0] += 1
        }
        speakerTurn = turns
        turnCount = counts
    }

    func inScope(_ index: Int, _ scope: Scope) -> Bool {
        let segment = segments[index]
        if let speaker = scope.speaker, segment.speaker != speaker { return false }
        if let first = scope.firstSeconds, segment.start > first { return false }
        if let last = scope.lastSeconds, segment.end < duration - last { return false }
        if scope.firstTurns != nil || scope.lastTurns != nil {
            let position = scope.speaker == nil ? index : speakerTurn[index]
            let count = scope.speaker.map { turnCount[$0, default: 0] } ?? segments.count
            if let first = scope.firstTurns, position >= first { return false }
            if let last = scope.lastTurns, position < count - last { return false }
        }
        return true
    }

    func timeInScope(start: Double, end: Double, _ scope: Scope) -> Bool {
        if let first = scope.firstSeconds, start > first { return false }
        if let last = scope.lastSeconds, end < duration - last { return false }
        return true
    }

    func evidence(segment index: Int, span: Span?, detail: String? = nil) -> Evidence {
        let segment = segments[index]
        return Evidence(speaker: segment.speaker, start: segment.start, end: segment.end, text: segment.text,
                        matched: span.map { scans[index].text.originalText(from: $0.start, to: $0.end) }, detail: detail)
    }

    /// Evidence for every keyword occurrence of a leaf in its scope.
    func keywordEvidence(_ leaf: Int, _ condition: KeywordCondition) -> [(segment: Int, phrase: Int, span: Span)] {
        leafHits[leaf].filter { inScope($0.segment, condition.scope) }
    }

    /// Evaluates a condition: nil when it does not hold, else the evidence (possibly none).
    func evaluate(_ condition: CompiledCondition, leaves: [KeywordCondition]) -> [Evidence]? {
        switch condition {
        case .keywords(let leaf):
            let keyword = leaves[leaf]
            let found = keywordEvidence(leaf, keyword)
            switch keyword.mode {
            case .any:
                return found.isEmpty ? nil : found.map { evidence(segment: $0.segment, span: $0.span) }
            case .all:
                var firsts: [Int: (segment: Int, phrase: Int, span: Span)] = [:]
                for hit in found where firsts[hit.phrase] == nil { firsts[hit.phrase] = hit }
                guard firsts.count == Set(keyword.phrases.indices).count else { return nil }
                return firsts.values.sorted { $0.segment < $1.segment }.map { evidence(segment: $0.segment, span: $0.span) }
            case .none:
                return found.isEmpty ? [] : nil
            }
        case .regex(let pattern, let exclude, let scope):
            var result: [Evidence] = []
            for index in segments.indices where inScope(index, scope) {
                let folded = scans[index].text.scalars
                if let exclude, exclude.firstMatch(in: folded) { continue }
                for range in pattern.matches(in: folded) where !range.isEmpty {
                    result.append(evidence(segment: index, span: Span(start: range.lowerBound, end: range.upperBound)))
                }
            }
            return result.isEmpty ? nil : result
        case .proximity(let first, let second, let seconds, let turns, let ordered):
            let a = keywordEvidence(first, leaves[first])
            let b = keywordEvidence(second, leaves[second])
            var result: [Evidence] = []
            for x in a {
                for y in b {
                    if ordered && (y.segment < x.segment || (y.segment == x.segment && y.span.start < x.span.start)) { continue }
                    let sx = segments[x.segment], sy = segments[y.segment]
                    let gap = max(0, max(sx.start, sy.start) - min(sx.end, sy.end))
                    if let seconds, gap > seconds { continue }
                    if let turns, abs(x.segment - y.segment) > turns { continue }
                    result.append(evidence(segment: x.segment, span: x.span))
                    result.append(evidence(segment: y.segment, span: y.span))
                }
            }
            return result.isEmpty ? nil : result
        case .silence(let silence):
            let found = silences.filter {
                $0.duration * 1000 > silence.minimumMilliseconds && (silence.after == nil || $0.after == silence.after)
                    && timeInScope(start: $0.start, end: $0.end, silence.scope)
            }
            return found.isEmpty ? nil : found.map { gap in
                Evidence(speaker: gap.after, start: gap.start, end: gap.end, text: textBefore(gap.start, speaker: gap.after),
                         matched: nil, detail: "silence \(fixed(gap.duration, 1)) s")
            }
        case .overtalk(let rule):
            let found = overtalk.filter {
                $0.duration * 1000 > rule.minimumMilliseconds && (rule.by == nil || $0.by == rule.by)
                    && timeInScope(start: $0.start, end: $0.end, rule.scope)
            }
            return found.isEmpty ? nil : found.map { span in
                Evidence(speaker: span.by, start: span.start, end: span.end, text: textAt(span.start, span.end, speaker: span.by),
                         matched: nil, detail: "overlap \(fixed(span.duration, 1)) s")
            }
        case .speakingRate(let rate):
            guard hasText else { return nil }
            let chosen = segments.indices.filter { inScope($0, rate.scope) && segments[$0].duration > 0 }
            switch rate.measure {
            case .turn:
                var result: [Evidence] = []
                for index in chosen where segments[index].duration >= rate.minimumSeconds {
                    let cpm = Double(scans[index].text.count) / segments[index].duration * 60
                    if cpm > rate.charactersPerMinute {
                        result.append(evidence(segment: index, span: nil, detail: "\(fixed(cpm, 0)) characters/min"))
                    }
                }
                return result.isEmpty ? nil : result
            case .average:
                let time = chosen.reduce(0) { $0 + segments[$1].duration }
                guard time >= rate.minimumSeconds else { return nil }
                let cpm = Double(chosen.reduce(0) { $0 + scans[$1].text.count }) / time * 60
                guard cpm > rate.charactersPerMinute else { return nil }
                let first = chosen.first.map { segments[$0].start } ?? 0
                let last = chosen.last.map { segments[$0].end } ?? duration
                return [Evidence(speaker: rate.scope.speaker, start: first, end: last, text: "", matched: nil,
                                 detail: "average \(fixed(cpm, 0)) characters/min")]
            }
        case .emotion(let rule):
            let speaker = emotion[rule.speaker]
            let quarters = speaker.quarters.filter { quarter in
                (rule.below.map { quarter.score <= $0 } ?? false) || (rule.above.map { quarter.score >= $0 } ?? false)
            }
            return quarters.isEmpty ? nil : quarters.map { quarter in
                let lowest = rule.below != nil
                let candidates = segments.indices.filter { index in
                    let segment = segments[index]
                    let middle = (segment.start + segment.end) / 2
                    return segment.speaker == rule.speaker && scans[index].opinionated && middle >= quarter.start && middle <= quarter.end
                }
                let pick = lowest ? candidates.min { scans[$0].sentiment < scans[$1].sentiment }
                                  : candidates.max { scans[$0].sentiment < scans[$1].sentiment }
                let detail = "Q\(quarter.quarter) score \(fixed(quarter.score, 1)) (\(quarter.label.rawValue))"
                if let pick {
                    return Evidence(speaker: rule.speaker, start: segments[pick].start, end: segments[pick].end,
                                    text: segments[pick].text, matched: nil, detail: detail)
                }
                return Evidence(speaker: rule.speaker, start: quarter.start, end: quarter.end, text: "", matched: nil, detail: detail)
            }
        case .all(let parts):
            var result: [Evidence] = []
            for part in parts {
                guard let found = evaluate(part, leaves: leaves) else { return nil }
                result += found
            }
            return result
        case .any(let parts):
            var result: [Evidence] = []
            var holds = false
            for part in parts {
                if let found = evaluate(part, leaves: leaves) {
                    holds = true
                    result += found
                }
            }
            return holds ? result : nil
        case .not(let inner):
            return evaluate(inner, leaves: leaves) == nil ? [] : nil
        }
    }

    /// Evidence for a rule that fired because something was absent: the part of the call it looked at.
    func absenceEvidence(scope: Scope?) -> Evidence {
        guard let scope else { return Evidence(speaker: nil, start: 0, end: duration, text: "", matched: nil, detail: nil) }
        var start = 0.0
        var end = duration
        if let last = scope.lastSeconds { start = max(0, duration - last) }
        if let first = scope.firstSeconds { end = min(duration, first) }
        let inside = segments.indices.filter { inScope($0, scope) }
        if scope.firstTurns != nil || scope.lastTurns != nil, let first = inside.first, let last = inside.last {
            start = segments[first].start
            end = segments[last].end
        }
        var text = inside.map { segments[$0].text }.joined(separator: " / ")
        if text.count > 120 { text = String(text.prefix(120)) + "…" }
        let who = scope.speaker.map { $0.rawValue } ?? "anyone"
        return Evidence(speaker: scope.speaker, start: start, end: end, text: text, matched: nil,
                        detail: inside.isEmpty ? "\(who) said nothing here" : "expected words not said")
    }

    /// The last utterance ending at or before `time` (of `speaker` when given).
    func textBefore(_ time: Double, speaker: Speaker?) -> String {
        segments.last { $0.end <= time + 0.05 && (speaker == nil || $0.speaker == speaker) }?.text ?? ""
    }

    /// The utterance of `speaker` overlapping a span, when there is a transcript.
    func textAt(_ start: Double, _ end: Double, speaker: Speaker?) -> String {
        segments.first { $0.start < end && $0.end > start && (speaker == nil || $0.speaker == speaker) }?.text ?? ""
    }

    func statistics() -> CallStatistics {
        let agent = timeline.talkTime(.agent)
        let customer = timeline.talkTime(.customer)
        func cpm(_ speaker: Speaker) -> Double? {
            guard hasText else { return nil }
            let indices = segments.indices.filter { segments[$0].speaker == speaker }
            let time = indices.reduce(0) { $0 + segments[$1].duration }
            guard time > 0 else { return nil }
            return round2(Double(indices.reduce(0) { $0 + scans[$1].text.count }) / time * 60)
        }
        return CallStatistics(
            duration: round3(duration),
            agentTalkTime: round3(agent),
            customerTalkTime: round3(customer),
            agentTalkRatio: agent + customer > 0 ? round3(agent / (agent + customer)) : 0,
            silenceTime: round3(silences.reduce(0) { $0 + $1.duration }),
            longestSilence: round3(silences.map(\.duration).max() ?? 0),
            silencesOver3s: silences.filter { $0.duration > 3 }.count,
            overtalkTime: round3(overtalk.reduce(0) { $0 + $1.duration }),
            overtalkCount: overtalk.count,
            interruptionsByAgent: overtalk.filter { $0.by == .agent }.count,
            interruptionsByCustomer: overtalk.filter { $0.by == .customer }.count,
            agentTurns: segments.filter { $0.speaker == .agent }.count,
            customerTurns: segments.filter { $0.speaker == .customer }.count,
            agentCharactersPerMinute: cpm(.agent),
            customerCharactersPerMinute: cpm(.customer))
    }
}

/// `value` with `digits` decimals (0…3), without going through `String(format:)`.
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = [1.0, 10, 100, 1000][min(max(digits, 0), 3)]
    let scaled = Int((abs(value) * scale).rounded())
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(scaled) }
    let whole = scaled / Int(scale)
    var fraction = String(scaled % Int(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    return sign + String(whole) + "." + fraction
}
