import Foundation

extension Scenario {
    /// Reads a scenario file. Relative paths inside it (`prices`, `traffic.profile`) stay as written;
    /// resolve them against the file's folder with ``resolve(_:relativeTo:)``.
    public init(contentsOf path: String) throws {
        try self.init(root: YAMLObject.load(path: path))
    }

    /// Reads scenario YAML text; `source` names it in error messages.
    public init(yaml text: String, source: String) throws {
        try self.init(root: YAMLObject.parse(text, source: source))
    }

    /// `path` if absolute, else `path` under the folder of `file`.
    public static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
    }

    init(root: YAMLObject) throws {
        guard let name = try root.string("name") else { throw root.error(nil, "missing 'name'") }
        self.init(name: name)
        description = try root.string("description")
        prices = try root.string("prices")
        if let t = try root.object("traffic") { traffic = try Self.readTraffic(t) }
        if let t = try root.object("trunks") {
            trunks = try Self.perSetup(t) { object, key in
                guard let (type, o) = try object.option(key) else { throw object.error(nil, "missing '\(key)'") }
                let option: TrunkOption
                switch type {
                case "pri": option = .pri(circuits: try o?.int("circuits"))
                case "sip": option = .sip(channels: try o?.int("channels"))
                default: throw object.error(key, "unknown trunk type '\(type)'; expected pri or sip")
                }
                try o?.rejectUnknownKeys()
                return option
            }
        }
        if let i = try root.object("ivr") {
            guard let changes = try i.double("flow_changes_per_year") else { throw i.error(nil, "missing 'flow_changes_per_year'") }
            let options = try Self.perSetup(i) { object, key in try Self.word(object, key, IVROption.self) }
            ivr = IVRChoice(flowChangesPerYear: changes, options: options)
        }
        if let r = try root.object("recording") {
            let coverage = try r.fraction("coverage") ?? 1
            let retention = try r.double("retention_years", default: 1)
            let options = try Self.perSetup(r) { object, key in try Self.word(object, key, RecordingOption.self) }
            recording = RecordingChoice(coverage: coverage, retentionYears: retention, options: options)
        }
        if let h = try root.object("hosting") {
            hosting = try Self.perSetup(h) { object, key in
                guard let (type, o) = try object.option(key), let o else {
                    throw object.error(key, "expected {type: machine_room, servers: N, engineers: N} or {type: cloud, instances: N, engineers: N}")
                }
                let option: HostingOption
                switch type {
                case "machine_room":
                    option = .machineRoom(servers: try o.int("servers") ?? 0, engineers: try o.double("engineers", default: 0))
                case "cloud":
                    option = .cloud(instances: try o.int("instances") ?? 0, engineers: try o.double("engineers", default: 0))
                default: throw object.error(key, "unknown hosting type '\(type)'; expected machine_room or cloud")
                }
                try o.rejectUnknownKeys()
                return option
            }
        }
        if let s = try root.object("seats") {
            let count = try s.int("count")
            let options = try Self.perSetup(s) { object, key in try Self.word(object, key, SeatOption.self) }
            seats = SeatChoice(count: count, options: options)
        }
        if let q = try root.object("qa") {
            let minutes = try q.double("review_minutes_per_call", default: 12, minimum: 0)
            let options = try Self.perSetup(q) { object, key in
                guard let (type, o) = try object.option(key), let o else {
                    throw object.error(key, "expected {type: manual, coverage: 0.05} or {type: automatic, review_share: 0.02}")
                }
                let option: QAOption
                switch type {
                case "manual": option = .manual(coverage: try o.fraction("coverage") ?? 0)
                case "automatic": option = .automatic(reviewShare: try o.fraction("review_share") ?? 0)
                default: throw object.error(key, "unknown QA type '\(type)'; expected manual or automatic")
                }
                try o.rejectUnknownKeys()
                return option
            }
            qa = QAChoice(reviewMinutesPerCall: minutes, options: options)
        }
        if let c = try root.object("compliance") {
            var choice = ComplianceChoice()
            choice.licenceAndFiling = try c.bool("licence_and_filing") ?? false
            choice.annualInspection = try c.bool("annual_inspection") ?? false
            if let l = try c.object("level3") {
                choice.level3 = try Self.perSetup(l) { object, key in try Self.word(object, key, Level3Option.self) }
            }
            try c.rejectUnknownKeys()
            compliance = choice
        }
        if let o = try root.object("operations") {
            operations = try Self.perSetup(o) { object, key in try Self.word(object, key, OperationsOption.self) }
        }
        if let p = try root.object("published") {
            published = PublishedFigures(
                baseline: try p.double("baseline"), hotline: try p.double("hotline"),
                saving: try p.double("saving"), source: try p.string("source"))
            try p.rejectUnknownKeys()
        }
        try root.rejectUnknownKeys()
    }

    private static func perSetup<Value>(
        _ object: YAMLObject, _ read: (YAMLObject, String) throws -> Value
    ) throws -> PerSetup<Value> {
        let result = PerSetup(baseline: try read(object, "baseline"), hotline: try read(object, "hotline"))
        try object.rejectUnknownKeys()
        return result
    }

    private static func word<Value: RawRepresentable>(_ object: YAMLObject, _ key: String, _: Value.Type) throws -> Value
    where Value.RawValue == String, Value: CaseIterableNames {
        guard let text = try object.string(key) else { throw object.error(nil, "missing '\(key)'") }
        guard let value = Value(rawValue: text) else {
            throw object.error(key, "unknown option '\(text)'; expected \(Value.names.joined(separator: " or "))")
        }
        return value
    }

    private static func readTraffic(_ t: YAMLObject) throws -> TrafficProfile {
        var traffic = TrafficProfile()
        traffic.callsPerDay = try t.double("calls_per_day")
        traffic.daysPerYear = try t.double("days_per_year", default: 365, minimum: 1)
        traffic.busyHourCalls = try t.double("busy_hour_calls")
        traffic.busyHourShare = try t.fraction("busy_hour_share")
        traffic.averageHandleTime = try t.double("aht_seconds", default: 180, minimum: 1)
        traffic.talkSeconds = try t.double("talk_seconds")
        traffic.ivrSeconds = try t.double("ivr_seconds", default: 0)
        traffic.profile = try t.string("profile")
        let level: ServiceLevelTarget?
        do {
            level = try t.string("service_level").map(ServiceLevelTarget.init(parsing:))
        } catch let error as PlanningError {
            throw t.error("service_level", error.description)
        }
        let asa = try t.double("max_asa_seconds")
        let occupancy = try t.fraction("max_occupancy")
        let shrinkage = try t.fraction("shrinkage") ?? 0
        if level != nil || asa != nil {
            do {
                traffic.goal = try StaffingGoal(serviceLevel: level, maximumAverageSpeedOfAnswer: asa,
                                                maximumOccupancy: occupancy, shrinkage: shrinkage)
            } catch let error as PlanningError {
                throw t.error(nil, error.description)
            }
        }
        if let blocking = try t.double("blocking") {
            guard blocking > 0, blocking < 1 else { throw t.error("blocking", "\(blocking) should be a fraction between 0 and 1, e.g. 0.01") }
            traffic.blocking = blocking
        }
        try t.rejectUnknownKeys()
        return traffic
    }
}

/// Option enums whose raw values are the words a scenario file uses.
protocol CaseIterableNames: CaseIterable, RawRepresentable where RawValue == String {}
extension CaseIterableNames {
    static var names: [String] { allCases.map(\.rawValue) }
}
extension Scenario.IVROption: CaseIterableNames {}
extension Scenario.RecordingOption: CaseIterableNames {}
extension Scenario.SeatOption: CaseIterableNames {}
extension Scenario.Level3Option: CaseIterableNames {}
extension Scenario.OperationsOption: CaseIterableNames {}
