import Foundation
import Planning

// Times staffing a week of 15-minute intervals (672) with N found by search, and reports
// the ratio against a baseline measured in the same run: the same week staffed by
// recomputing Erlang B from scratch for every candidate N.

let path = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples/planning/forecast-week.csv").path
let forecast = try ForecastCSV.read(CSVTable(contentsOf: path))
precondition(forecast.intervals.count == 672, "expected a week of 15-minute intervals")
let goal = try StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20), shrinkage: 0.3)
let planner = try StaffingPlanner(goal: goal, blocking: 0.01)
let agentsOnly = try StaffingPlanner(goal: goal)

/// The baseline: for each interval, try N = ⌊A⌋+1, ⌊A⌋+2, … building Erlang C from scratch each time.
func naiveWeek() throws -> Int {
    var total = 0
    for interval in forecast.intervals where interval.calls > 0 {
        let a = interval.calls * interval.averageHandleTime / forecast.intervalSeconds
        var n = Int(a) + 1
        while try ErlangC(agents: n, traffic: a, averageHandleTime: interval.averageHandleTime).serviceLevel(within: 20) < 0.8 { n += 1 }
        total += n
    }
    return total
}

func measure(_ runs: Int, _ body: () throws -> Int) rethrows -> (median: Duration, check: Int) {
    var times: [Duration] = []
    var check = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        check = try body()
        times.append(clock.now - start)
    }
    times.sort()
    return (times[times.count / 2], check)
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

_ = try planner.plan(forecast) // warm up
let plan = try measure(101) { try planner.plan(forecast).intervals.reduce(0) { $0 + $1.requirement.agents } }
let agents = try measure(101) { try agentsOnly.plan(forecast).intervals.reduce(0) { $0 + $1.requirement.agents } }
let naive = try measure(101) { try naiveWeek() }
precondition(plan.check == naive.check && agents.check == naive.check, "every search must find the same agents")
print(String(format: "staffing 672 intervals, agents + trunk channels: median %.3f ms over 101 runs", milliseconds(plan.median)))
print(String(format: "staffing 672 intervals, agents only:            median %.3f ms", milliseconds(agents.median)))
print(String(format: "baseline, Erlang C rebuilt per candidate N:     median %.3f ms", milliseconds(naive.median)))
print(String(format: "ratio baseline / agents only: %.2f×; agent-intervals found: %d", milliseconds(naive.median) / milliseconds(agents.median), plan.check))
print(plan.median < .milliseconds(10) ? "target met: under 10 ms" : "target missed: 10 ms or more")
