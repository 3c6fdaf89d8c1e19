import Benchmark
import Quality
import QualityBenchmarkSupport

let benchmarks: @Sendable () -> Void = {
    let inspector = try! QualityInspector()
    let calls = try! Corpus.fiveMinuteCalls()
    let audio = Corpus.stereoCall(seconds: 300)
    let analyzer = VoiceAnalyzer()

    Benchmark("Inspect a 5-minute transcript, default pack",
              configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(inspector.inspect(calls[index % calls.count]))
        }
    }

    Benchmark("Fold the text of a 5-minute transcript (baseline)",
              configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))) { benchmark in
        for index in benchmark.scaledIterations {
            for segment in calls[index % calls.count].segments { blackHole(TextNormalizer.normalize(segment.text)) }
        }
    }

    Benchmark("Analyse a 5-minute stereo 8 kHz recording",
              configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(analyzer.analyze(audio))
        }
    }
}
