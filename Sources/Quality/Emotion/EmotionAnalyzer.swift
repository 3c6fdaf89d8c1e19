import Foundation

/// Emotion per speaker and per quarter: sentiment of the words fused with vocal arousal.
///
/// A quarter's word score is the mean of the scores of the speaker's opinionated utterances in
/// it, each weighted by its own strength, so one furious sentence is not drowned by polite ones.
/// Vocal arousal (0…1) deepens a negative score and, when the voice is raised with neutral words,
/// pulls the score down a little; it never makes a positive quarter negative.
enum EmotionAnalyzer {
    static func analyze(segments: [Segment], scans: [SegmentScan], duration: Double, acoustics: AcousticAnalysis?) -> EmotionReport {
        let length = max(duration, 0.001)
        func speaker(_ speaker: Speaker) -> SpeakerEmotion {
            var quarters: [QuarterEmotion] = []
            var all: [Double] = []
            for quarter in 1...4 {
                let start = length * Double(quarter - 1) / 4
                let end = length * Double(quarter) / 4
                var scores: [Double] = []
                for (index, segment) in segments.enumerated() where segment.speaker == speaker && scans[index].opinionated {
                    let middle = (segment.start + segment.end) / 2
                    if middle >= start && (middle < end || (quarter == 4 && middle <= end)) { scores.append(scans[index].sentiment) }
                }
                all.append(contentsOf: scores)
                let text = weightedMean(scores)
                let arousal = acoustics?[speaker].quarters.first { $0.quarter == quarter }?.arousal
                let score = fuse(text: text, arousal: arousal)
                quarters.append(QuarterEmotion(quarter: quarter, start: round3(start), end: round3(end), score: round2(score),
                                               label: EmotionLabel(score: score, arousal: arousal), textScore: round2(text),
                                               arousal: arousal.map(round2)))
            }
            let arousals = quarters.compactMap(\.arousal)
            let meanArousal = arousals.isEmpty ? nil : arousals.reduce(0, +) / Double(arousals.count)
            let overall = fuse(text: weightedMean(all), arousal: meanArousal)
            return SpeakerEmotion(score: round2(overall), label: EmotionLabel(score: overall, arousal: meanArousal), quarters: quarters,
                                  trend: round2(quarters[3].score - quarters[0].score))
        }
        return EmotionReport(agent: speaker(.agent), customer: speaker(.customer))
    }

    static func weightedMean(_ scores: [Double]) -> Double {
        let weight = scores.reduce(0) { $0 + max(abs($1), 0.5) }
        guard weight > 0 else { return 0 }
        return scores.reduce(0) { $0 + $1 * max(abs($1), 0.5) } / weight
    }

    static func fuse(text: Double, arousal: Double?) -> Double {
        guard let arousal else { return text }
        var score = text
        if text <= 0 {
            score = text * (1 + 0.5 * arousal) - 2 * max(0, arousal - 0.5)
        }
        return min(5, max(-5, score))
    }
}

func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
