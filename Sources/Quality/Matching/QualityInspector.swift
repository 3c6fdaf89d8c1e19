import Foundation

/// Inspects calls against a rule pack: the entry point of the quality module.
///
/// Build one inspector and share it; it is immutable and safe to use from many tasks at once.
/// Every utterance is read once by a single automaton holding every phrase of every rule,
/// the negation cues and the sentiment lexicon.
public struct QualityInspector: Sendable {
    public let pack: RulePack
    let rules: [(rule: Rule, condition: CompiledCondition)]
    let leaves: [KeywordCondition]
    let negatable: [Bool]
    let index: PhraseIndex

    /// Compiles a rule pack and a lexicon. Throws when a regular expression does not compile.
    public init(pack: RulePack = .standard, lexicon: SentimentLexicon = .standard) throws {
        var compiler = RuleCompiler()
        var compiled: [(Rule, CompiledCondition)] = []
        for rule in pack.rules {
            do {
                compiled.append((rule, try compiler.compile(rule.condition)))
            } catch {
                throw RulePackError(file: pack.name, line: rule.line, message: "rule `\(rule.id)`: invalid regular expression")
            }
        }
        var entries: [(phrase: String, payload: PhraseIndex.Payload)] = []
        for (leafIndex, leaf) in compiler.leaves.enumerated() {
            for (phraseIndex, phrase) in leaf.phrases.enumerated() {
                entries.append((phrase, .phrase(leaf: Int32(leafIndex), phrase: Int32(phraseIndex))))
            }
            for phrase in leaf.exclude { entries.append((phrase, .exclude(leaf: Int32(leafIndex)))) }
            for phrase in leaf.excludeSentence { entries.append((phrase, .excludeSentence(leaf: Int32(leafIndex)))) }
        }
        let negation = pack.negation
        entries += negation.cues.map { ($0, .negationCue) }
        entries += negation.adjacentCues.map { ($0, .adjacentCue) }
        entries += negation.after.map { ($0, .negationAfter) }
        entries += negation.blockers.map { ($0, .blocker) }
        entries += lexicon.terms.map { ($0.phrase, .sentiment($0.score)) }
        entries += lexicon.degrees.map { ($0.phrase, .degree($0.multiplier)) }
        entries += lexicon.negators.map { ($0, .sentimentNegator) }
        self.pack = pack
        self.rules = compiled
        self.leaves = compiler.leaves
        self.negatable = compiler.leaves.map(\.negation)
        self.index = PhraseIndex(entries: entries)
    }

    /// Inspects a call from its transcript.
    public func inspect(_ transcript: Transcript) -> CallResult {
        inspect(transcript: transcript, acoustics: nil)
    }

    /// Inspects a call from its transcript, its recording's voice analysis, or both.
    ///
    /// With a recording, silence and overtalk come from voice activity (more exact than
    /// recogniser timestamps) and emotion is fused with vocal arousal. Without a transcript,
    /// rules that look at words are not judged (a missing greeting cannot be told from silence).
    public func inspect(transcript: Transcript?, acoustics: AcousticAnalysis?, callID: String? = nil, source: String? = nil) -> CallResult {
        let duration = max(transcript?.duration ?? 0, acoustics?.duration ?? 0)
        let segments = transcript?.segments ?? []
        let scans = segments.map { index.scan($0.text, negation: pack.negation, negatable: negatable) }
        let timeline = acoustics?.timeline ?? transcript.map { SpeechTimeline(transcript: $0) } ?? SpeechTimeline(duration: 0, speech: [:])
        let emotion = EmotionAnalyzer.analyze(segments: segments, scans: scans, duration: duration, acoustics: acoustics)
        let context = CallContext(segments: segments, scans: scans, leafCount: leaves.count, duration: duration,
                                  timeline: timeline, silences: timeline.silences, overtalk: timeline.overtalk, emotion: emotion,
                                  hasText: transcript != nil)

        var hits: [RuleHit] = []
        var fired: [String] = []
        for (rule, condition) in rules {
            if transcript == nil && condition.needsWords { continue }
            guard let evidence = context.evaluate(condition, leaves: leaves) else { continue }
            fired.append(rule.id)
            var items = evidence
            if items.isEmpty { items = [context.absenceEvidence(scope: condition.absenceScope(leaves: leaves))] }
            var seen = Set<EvidenceKey>()
            for item in items {
                guard seen.insert(EvidenceKey(start: item.start, end: item.end, matched: item.matched, detail: item.detail)).inserted else { continue }
                hits.append(RuleHit(rule: rule.id, severity: rule.severity, speaker: item.speaker, start: round3(item.start),
                                    end: round3(item.end), text: item.text, matched: item.matched, detail: item.detail))
            }
        }
        hits.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        let card = Scorer.score(template: pack.template, rules: pack.rules, fired: Set(fired))
        return CallResult(
            callID: callID ?? transcript?.callID ?? "call",
            source: source,
            duration: round3(duration),
            score: card.score,
            passed: card.passed,
            autoFailed: card.autoFailed,
            autoFailRules: card.autoFailRules,
            rules: fired,
            sections: card.sections,
            hits: hits,
            emotion: emotion,
            statistics: context.statistics(),
            voice: acoustics)
    }
}

/// What makes two pieces of evidence the same finding.
struct EvidenceKey: Hashable {
    var start: Double
    var end: Double
    var matched: String?
    var detail: String?
}
