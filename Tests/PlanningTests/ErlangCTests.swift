import Foundation
import Testing
@testable import Planning

@Suite("Erlang C")
struct ErlangCTests {
    // Published check values of the planning issue (the widely used Erlang C worked example, e.g.
    // callcentrehelper.com "Erlang C formula – made simple"): 100 calls per 30 minutes, AHT 180 s,
    // 80% in 20 s → 14 agents, service level 0.888, occupancy 0.714, probability of waiting 0.174,
    // 20 staff with 30% shrinkage.
    @Test func publishedWorkedExample() throws {
        let goal = try StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.8, seconds: 20), shrinkage: 0.3)
        let r = try AgentSearch.agents(calls: 100, interval: 1800, averageHandleTime: 180, goal: goal)
        #expect(r.traffic == 10)
        #expect(r.agents == 14)
        #expect(abs(r.serviceLevel - 0.888) < 0.0005)
        #expect(abs(r.occupancy - 0.714) < 0.0005)
        #expect(abs(r.probabilityOfWaiting - 0.174) < 0.0005)
        #expect(r.staff == 20)
        // 13 agents miss the target, which is why 14 are needed.
        let thirteen = try ErlangC(agents: 13, traffic: 10, averageHandleTime: 180)
        #expect(thirteen.serviceLevel(within: 20) < 0.8)
    }

    // Westbay Engineers, "The Erlang-C formula" worked example: 360 calls per half hour, 4-minute
    // calls, 55 agents, 15 s answer target → traffic 48 E, occupancy 87.3%, probability of waiting
    // 23.9% (E_C = 0.2387), ASA 8.2 s, service level 84.6%.
    @Test func westbayWorkedExample() throws {
        let queue = try ErlangC(agents: 55, calls: 360, interval: 1800, averageHandleTime: 240)
        #expect(queue.traffic == 48)
        #expect(abs(queue.occupancy - 0.873) < 0.0005)
        #expect(abs(queue.probabilityOfWaiting - 0.2387) < 0.00005)
        #expect(abs(queue.averageSpeedOfAnswer - 8.2) < 0.05)
        #expect(abs(queue.serviceLevel(within: 15) - 0.846) < 0.0005)
    }

    // M/M/1 and M/M/2 closed forms (Kleinrock, Queueing Systems vol. 1, §3.4):
    // M/M/1: P(wait) = ρ, mean wait = ρ/(1−ρ)·AHT; M/M/2: P(wait) = 2ρ²/(1+ρ) with ρ = A/2.
    @Test func closedFormsForOneAndTwoAgents() throws {
        for rho in [0.2, 0.5, 0.9] {
            let one = try ErlangC(agents: 1, traffic: rho, averageHandleTime: 100)
            #expect(abs(one.probabilityOfWaiting - rho) < 1e-12)
            #expect(abs(one.averageSpeedOfAnswer - rho / (1 - rho) * 100) < 1e-9)
            #expect(abs(one.serviceLevel(within: 30) - (1 - rho * exp(-(1 - rho) * 30 / 100))) < 1e-12)
            let two = try ErlangC(agents: 2, traffic: 2 * rho, averageHandleTime: 100)
            #expect(abs(two.probabilityOfWaiting - 2 * rho * rho / (1 + rho)) < 1e-12)
        }
    }

    @Test func asaAndOccupancyTargetsAddAgents() throws {
        let level = try ServiceLevelTarget(fraction: 0.8, seconds: 20)
        let base = try AgentSearch.agents(calls: 100, interval: 1800, averageHandleTime: 180, goal: StaffingGoal(serviceLevel: level))
        let asa = try AgentSearch.agents(calls: 100, interval: 1800, averageHandleTime: 180,
                                         goal: StaffingGoal(serviceLevel: level, maximumAverageSpeedOfAnswer: 2))
        #expect(asa.agents > base.agents)
        #expect(asa.averageSpeedOfAnswer <= 2)
        let asaOnly = try AgentSearch.agents(calls: 100, interval: 1800, averageHandleTime: 180,
                                             goal: StaffingGoal(maximumAverageSpeedOfAnswer: 30))
        #expect(asaOnly.averageSpeedOfAnswer <= 30)
        #expect(try ErlangC(agents: asaOnly.agents - 1, traffic: 10, averageHandleTime: 180).averageSpeedOfAnswer > 30)
        let occupancy = try AgentSearch.agents(calls: 100, interval: 1800, averageHandleTime: 180,
                                               goal: StaffingGoal(serviceLevel: level, maximumOccupancy: 0.6))
        #expect(occupancy.agents == 17) // ⌈10 / 0.6⌉
    }

    @Test func serviceLevelRisesWithAgents() throws {
        var previous = 0.0
        for n in 11...25 {
            let level = try ErlangC(agents: n, traffic: 10, averageHandleTime: 180).serviceLevel(within: 20)
            #expect(level > previous)
            previous = level
        }
        #expect(previous < 1)
    }

    @Test func largeQueuesStayFinite() throws {
        let goal = try StaffingGoal(serviceLevel: ServiceLevelTarget(fraction: 0.9, seconds: 15))
        let r = try AgentSearch.agents(traffic: 4_321.5, averageHandleTime: 240, goal: goal)
        #expect(r.agents > 4_321 && r.agents < 4_500)
        #expect(r.serviceLevel >= 0.9 && r.serviceLevel.isFinite)
    }

    @Test func shrinkageRoundsUpWithoutFloatingPointNoise() throws {
        #expect(try StaffingGoal(shrinkage: 0.3).staff(forAgents: 14) == 20)
        #expect(try StaffingGoal(shrinkage: 0.3).staff(forAgents: 15) == 22)
        #expect(try StaffingGoal(shrinkage: 0).staff(forAgents: 7) == 7)
    }

    @Test func zeroCallsNeedNoAgents() throws {
        let r = try AgentSearch.agents(calls: 0, interval: 900, averageHandleTime: 180, goal: StaffingGoal())
        #expect(r.agents == 0 && r.staff == 0 && r.serviceLevel == 1)
    }

    @Test func outOfRangeInputsThrow() throws {
        #expect(throws: PlanningError.unstableQueue(agents: 10, traffic: 10)) {
            try ErlangC(agents: 10, traffic: 10, averageHandleTime: 180)
        }
        #expect(throws: PlanningError.unstableQueue(agents: 5, traffic: 10)) {
            try ErlangC(agents: 5, calls: 100, interval: 1800, averageHandleTime: 180)
        }
        #expect(throws: PlanningError.self) { try ErlangC(agents: 5, traffic: -1, averageHandleTime: 180) }
        #expect(throws: PlanningError.self) { try ErlangC(agents: 5, traffic: 1, averageHandleTime: 0) }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(fraction: 1.2, seconds: 20) }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(fraction: 1, seconds: 20) }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(parsing: "120/20") }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(parsing: "1.2/20") }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(fraction: 0.8, seconds: -5) }
        #expect(throws: PlanningError.self) { try StaffingGoal(shrinkage: 1) }
        #expect(throws: PlanningError.self) { try StaffingGoal(maximumOccupancy: 1.5) }
        #expect(throws: PlanningError.self) {
            try AgentSearch.agents(calls: -3, interval: 1800, averageHandleTime: 180, goal: StaffingGoal())
        }
    }

    @Test func serviceLevelTargetParsing() throws {
        #expect(try ServiceLevelTarget(parsing: "0.8/20") == ServiceLevelTarget(fraction: 0.8, seconds: 20))
        #expect(try ServiceLevelTarget(parsing: "80/20") == ServiceLevelTarget(fraction: 0.8, seconds: 20))
        #expect(try ServiceLevelTarget(parsing: "90%/15s") == ServiceLevelTarget(fraction: 0.9, seconds: 15))
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(parsing: "80") }
        #expect(throws: PlanningError.self) { try ServiceLevelTarget(parsing: "a/b") }
    }
}
