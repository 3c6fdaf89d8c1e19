import Benchmark
import Foundation
import Planning

/// A week of 15-minute intervals (672), staffed with the agent count found by search.
let benchmarks: @Sendable () -> Void = {
    let forecast = WeekForecast.load()
    let planner = try! StaffingPlanner(
        goal: StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20), shrinkage: 0.3),
        blocking: 0.01)

    Benchmark(
        "Staffing a week of 672 intervals",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try planner.plan(forecast))
        }
    }

    Benchmark(
        "Erlang B channels for 9,800 E at 1%",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(2))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ErlangB.channels(traffic: 9_800.5, blocking: 0.01))
        }
    }
}

enum WeekForecast {
    /// The shipped sample week, or the same shape built in code if the file is not found.
    static func load() -> Forecast {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/planning/forecast-week.csv").path
        if let table = try? CSVTable(contentsOf: path), let forecast = try? ForecastCSV.read(table), forecast.intervals.count == 672 {
            return forecast
        }
        let intervals = (0..<672).map { i in
            let hour = Double(i % 96) / 4
            let calls = max(0, 60 * sin((hour - 6) / 16 * .pi))
            return ForecastInterval(start: "\(i)", calls: calls.rounded(), averageHandleTime: 240)
        }
        return try! Forecast(intervalSeconds: 900, intervals: intervals)
    }
}
