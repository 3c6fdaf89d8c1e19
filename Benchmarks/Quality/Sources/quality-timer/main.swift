import Foundation
import Quality
import QualityBenchmarkSupport

/// Times the quality inspector on one thread and prints per-core throughput. Time is the
/// thread's CPU time, so other work on the machine does not count against it.
/// Each figure comes with a baseline measured in the same run: folding the same text
/// (transcripts), and summing the squares of the same samples (audio), so the ratio says what
/// the work costs over touching the input.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func rate(budget: Double, _ body: () -> Int) -> (perSecond: Double, runs: Int) {
    var runs = 0
    let start = cpuSeconds()
    while cpuSeconds() - start < budget { runs += body() }
    return (Double(runs) / (cpuSeconds() - start), runs)
}

// `quality-timer transcripts` or `quality-timer voice` runs one half only.
let only = CommandLine.arguments.dropFirst().first
var sink = 0.0

if only == nil || only == "transcripts" {
let inspector = try QualityInspector()
let calls = try Corpus.fiveMinuteCalls()
let characters = calls.map { $0.segments.reduce(0) { $0 + TextNormalizer.normalize($1.text).count } }
print("corpus: \(calls.count) five-minute calls, \(characters.min()!)–\(characters.max()!) characters, \(calls[0].segments.count)+ turns each")
print("rule pack: \(inspector.pack.rules.count) rules (\(inspector.pack.name))")

let inspect = rate(budget: 5) {
    for call in calls { sink += inspector.inspect(call).score }
    return calls.count
}
let fold = rate(budget: 2) {
    for call in calls { for segment in call.segments { sink += Double(TextNormalizer.normalize(segment.text).count) } }
    return calls.count
}
print(String(format: "transcripts: %.0f per second per core (whole default pack, 5-minute calls); baseline folding the text alone %.0f/s, ratio %.1fx",
             inspect.perSecond, fold.perSecond, fold.perSecond / inspect.perSecond))
}

if only == nil || only == "voice" {
let audio = Corpus.stereoCall(seconds: 300)
let analyzer = VoiceAnalyzer()
let voice = rate(budget: 5) {
    sink += analyzer.analyze(audio).agent.talkTime
    return 1
}
let touch = rate(budget: 2) {
    for channel in audio.channels { var s: Float = 0; for x in channel { s += x * x }; sink += Double(s) }
    return 1
}
print(String(format: "voice analysis: %.0fx real time per core (5-minute stereo 8 kHz call, %.1f ms per call); baseline summing the samples %.0fx, ratio %.1fx",
             voice.perSecond * 300, 1000 / voice.perSecond, touch.perSecond * 300, touch.perSecond / voice.perSecond))
let wide = Corpus.stereoCall(seconds: 300, sampleRate: 16000)
let voiceWide = rate(budget: 3) {
    sink += analyzer.analyze(wide).agent.talkTime
    return 1
}
print(String(format: "voice analysis: %.0fx real time per core (5-minute stereo 16 kHz call)", voiceWide.perSecond * 300))
}
if sink.isNaN { print(sink) }
