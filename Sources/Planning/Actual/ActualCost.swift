import Foundation

/// A trunk as contracted: its name in the configuration, its kind, and the channels paid for.
public struct TrunkContract: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable { case pri, sip }
    public var name: String
    public var kind: Kind
    /// Channels paid for (for PRI, circuits × channels per circuit).
    public var channels: Int

    public init(name: String, kind: Kind, channels: Int) {
        self.name = name
        self.kind = kind
        self.channels = channels
    }

    /// Parses `NAME=sip:60` or `NAME=pri:60`.
    public init(parsing text: String) throws {
        let halves = text.split(separator: "=", maxSplits: 1).map(String.init)
        let parts = halves.count == 2 ? halves[1].split(separator: ":").map(String.init) : []
        guard halves.count == 2, !halves[0].isEmpty, parts.count == 2,
              let kind = Kind(rawValue: parts[0].lowercased()), let channels = Int(parts[1]), channels >= 0 else {
            throw PlanningError.invalidInput(source: "trunk", line: nil, message: "'\(text)' should be NAME=sip:CHANNELS or NAME=pri:CHANNELS, e.g. telecom=sip:60")
        }
        self.init(name: halves[0], kind: kind, channels: channels)
    }
}

/// What the cost analysis of a period needs besides the calls.
public struct ActualCostSettings: Hashable, Sendable, Codable {
    public var trunks: [TrunkContract]
    /// Blocking target for the channels worth keeping.
    public var blocking: Double
    /// Agent hours staffed in the period, for occupancy; `nil` if unknown.
    public var staffedAgentHours: Double?
    /// Years recordings are kept.
    public var retentionYears: Double
    /// Where recordings are stored.
    public var recording: Scenario.RecordingOption
    public var prices: PriceBook

    public init(trunks: [TrunkContract], blocking: Double = 0.01, staffedAgentHours: Double? = nil,
                retentionYears: Double = 1, recording: Scenario.RecordingOption = .objectStorage,
                prices: PriceBook = .standard) {
        self.trunks = trunks
        self.blocking = blocking
        self.staffedAgentHours = staffedAgentHours
        self.retentionYears = retentionYears
        self.recording = recording
        self.prices = prices
    }
}

/// One trunk's use over the period and what it should be.
public struct TrunkUsage: Hashable, Sendable, Codable {
    public var name: String
    public var kind: TrunkContract.Kind?
    /// Channels paid for; `nil` when the trunk is not in the settings.
    public var paidChannels: Int?
    public var calls: Int
    public var minutes: Double
    /// Paid channels × months in the period.
    public var channelMonths: Double
    /// The most calls up at once.
    public var peakConcurrent: Int
    public var peakAt: Date?
    /// Erlangs in the busiest clock hour.
    public var busyHourErlangs: Double
    public var busyHourStart: Date?
    /// Channels that keep busy-hour blocking under the target (at least the observed peak).
    public var channelsToKeep: Int
    /// Channels that could be released (whole circuits for PRI).
    public var releasable: Int
    /// Cost of the paid channels for a year.
    public var annualCost: Double
    /// What releasing ``releasable`` saves a year.
    public var annualSaving: Double
}

/// The cost of a period as it happened, with recommendations.
public struct ActualCostReport: Hashable, Sendable, Codable {
    public var from: Date
    public var to: Date
    public var currency: String
    public var trunks: [TrunkUsage]
    public var calls: Int
    public var answeredCalls: Int
    public var recordedMinutes: Double
    /// Recording storage for the period's minutes over the retention.
    public var recordingCost: Double
    public var handleHours: Double
    public var staffedAgentHours: Double?
    /// Handle time over staffed time, if staffed time is known.
    public var occupancy: Double?
    /// Inspected calls over answered calls.
    public var qaCoverage: Double
    public var recommendations: [String]

    public var days: Double { to.timeIntervalSince(from) / 86_400 }
    /// All trunk savings a year.
    public var annualSaving: Double { trunks.reduce(0) { $0 + $1.annualSaving } }
}

/// Computes the ``ActualCostReport`` of a period from call records and settings.
public struct ActualCostAnalyzer: Sendable {
    public var settings: ActualCostSettings

    public init(settings: ActualCostSettings) throws {
        try Check.probability(settings.blocking, name: "blocking target")
        if let hours = settings.staffedAgentHours { try Check.positive(hours, name: "staffed agent hours") }
        try Check.nonNegative(settings.retentionYears, name: "retention years")
        self.settings = settings
    }

    public func analyze(_ records: [CallRecord], from: Date, to: Date) throws -> ActualCostReport {
        guard to > from else {
            throw PlanningError.outOfRange(name: "period length (seconds)", value: to.timeIntervalSince(from), expected: "--to after --from")
        }
        let inPeriod = records.filter { $0.start >= from && $0.start < to }
        let months = to.timeIntervalSince(from) / 86_400 / (365.0 / 12)
        let prices = settings.prices
        var names = settings.trunks.map(\.name)
        for record in inPeriod where !names.contains(record.trunk) { names.append(record.trunk) }

        var usages: [TrunkUsage] = []
        var recommendations: [String] = []
        for name in names {
            let calls = inPeriod.filter { $0.trunk == name }
            let contract = settings.trunks.first { $0.name == name }
            let (peak, peakAt) = Self.peakConcurrent(calls)
            let (erlangs, busyStart) = Self.busyHour(calls)
            let needed = max(peak, try ErlangB.channels(traffic: erlangs, blocking: settings.blocking))
            var usage = TrunkUsage(
                name: name, kind: contract?.kind, paidChannels: contract?.channels, calls: calls.count,
                minutes: calls.reduce(0) { $0 + $1.duration } / 60,
                channelMonths: Double(contract?.channels ?? 0) * months,
                peakConcurrent: peak, peakAt: peakAt, busyHourErlangs: erlangs, busyHourStart: busyStart,
                channelsToKeep: needed, releasable: 0, annualCost: 0, annualSaving: 0)
            if let contract {
                switch contract.kind {
                case .sip:
                    usage.annualCost = Double(contract.channels) * prices.trunks.sipChannelPerMonth * 12
                    usage.releasable = max(0, contract.channels - needed)
                    usage.annualSaving = Double(usage.releasable) * prices.trunks.sipChannelPerMonth * 12
                case .pri:
                    let per = prices.trunks.priChannelsPerCircuit
                    let circuits = Int((Double(contract.channels) / Double(per)).rounded(.up))
                    let keepCircuits = Int((Double(needed) / Double(per)).rounded(.up))
                    let perCircuit = (prices.trunks.priCircuitPerMonth + prices.trunks.priGatewayPerCircuitPerMonth) * 12
                    usage.annualCost = Double(circuits) * perCircuit
                    let release = max(0, circuits - keepCircuits)
                    usage.releasable = release * per
                    usage.annualSaving = Double(release) * perCircuit
                    let sipCost = Double(needed) * prices.trunks.sipChannelPerMonth * 12
                    if usage.annualCost - sipCost > 0 {
                        recommendations.append("\(name): \(circuits) PRI circuits cost \(Money.plain(usage.annualCost)) \(prices.currency) a year; \(needed) SIP channels would carry the same busy hour for \(Money.plain(sipCost)), saving \(Money.plain(usage.annualCost - sipCost)) a year")
                    }
                }
                if usage.releasable > 0 {
                    recommendations.append(
                        "\(name): \(contract.channels) channels paid, peak \(peak) concurrent, \(needed) keep blocking under \(Money.number(settings.blocking * 100))%: release \(usage.releasable), saving \(Money.plain(usage.annualSaving)) \(prices.currency) a year")
                }
                if needed > contract.channels {
                    recommendations.append("\(name): \(contract.channels) channels paid but the busy hour (\(Money.number(erlangs, decimals: 2)) E) needs \(needed) for blocking under \(Money.number(settings.blocking * 100))%: add \(needed - contract.channels)")
                }
            } else if !calls.isEmpty {
                recommendations.append("\(name): carries calls but is not in the trunk settings (give --trunk \(name)=sip:CHANNELS)")
            }
            usages.append(usage)
        }

        let answered = inPeriod.filter { $0.answered != nil }
        let recordedMinutes = inPeriod.reduce(0) { $0 + $1.recordedSeconds } / 60
        let pricePerMinute = settings.recording == .appliance ? prices.recording.appliancePerMinute : prices.recording.objectStoragePerMinute
        let handleHours = answered.reduce(0) { $0 + $1.handleSeconds } / 3600
        let occupancy = settings.staffedAgentHours.map { handleHours / $0 }
        let inspected = answered.filter(\.inspected).count
        let coverage = answered.isEmpty ? 1 : Double(inspected) / Double(answered.count)
        if let occupancy, occupancy < 0.6 {
            recommendations.append("agent occupancy \(Money.percent(occupancy)): more agent hours are staffed than the calls need; size the intervals with `hotline plan staff`")
        }
        if let occupancy, occupancy > 0.9 {
            recommendations.append("agent occupancy \(Money.percent(occupancy)): agents are overloaded; callers wait and agents burn out")
        }
        if coverage < 1, !answered.isEmpty {
            recommendations.append("QA covered \(Money.percent(coverage)) of answered calls; automatic inspection covers all of them")
        }
        return ActualCostReport(
            from: from, to: to, currency: prices.currency, trunks: usages, calls: inPeriod.count,
            answeredCalls: answered.count, recordedMinutes: recordedMinutes,
            recordingCost: recordedMinutes * pricePerMinute * settings.retentionYears,
            handleHours: handleHours, staffedAgentHours: settings.staffedAgentHours, occupancy: occupancy,
            qaCoverage: coverage, recommendations: recommendations)
    }

    /// The most calls up at once and when; a call ending at the instant another starts does not overlap it.
    static func peakConcurrent(_ calls: [CallRecord]) -> (Int, Date?) {
        var events: [(Date, Int)] = []
        events.reserveCapacity(calls.count * 2)
        for call in calls {
            events.append((call.start, 1))
            events.append((call.end, -1))
        }
        events.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var current = 0, peak = 0
        var at: Date?
        for (time, delta) in events {
            current += delta
            if current > peak { peak = current; at = time }
        }
        return (peak, at)
    }

    /// The clock hour with the most trunk seconds, in erlangs, and its start.
    static func busyHour(_ calls: [CallRecord]) -> (Double, Date?) {
        var seconds: [Int: Double] = [:]
        for call in calls {
            var t = call.start.timeIntervalSince1970
            let end = call.end.timeIntervalSince1970
            while t < end {
                let hour = Int((t / 3600).rounded(.down))
                let next = min(end, Double(hour + 1) * 3600)
                seconds[hour, default: 0] += next - t
                t = next
            }
        }
        guard let best = seconds.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return (0, nil) }
        return (best.value / 3600, Date(timeIntervalSince1970: Double(best.key) * 3600))
    }
}
