import Foundation

/// The two setups a scenario compares.
public enum Setup: String, Hashable, Sendable, Codable, CaseIterable {
    /// PRI lines and a self-built call-center room.
    case baseline
    /// SIP trunks and Hotline on ordinary servers or cloud hosting.
    case hotline
}

/// A pair of values, one for each setup.
public struct PerSetup<Value: Hashable & Sendable & Codable>: Hashable, Sendable, Codable {
    public var baseline: Value
    public var hotline: Value
    public init(baseline: Value, hotline: Value) {
        self.baseline = baseline
        self.hotline = hotline
    }
    public subscript(setup: Setup) -> Value {
        get { setup == .baseline ? baseline : hotline }
        set { if setup == .baseline { baseline = newValue } else { hotline = newValue } }
    }
}

/// A hotline's traffic and its service targets, from which channels and agents are sized.
public struct TrafficProfile: Hashable, Sendable, Codable {
    /// Calls offered per day (averaged over the days of the year the line is open).
    public var callsPerDay: Double?
    /// Days a year the hotline is open.
    public var daysPerYear: Double = 365
    /// Calls in the busiest hour; or give ``busyHourShare``.
    public var busyHourCalls: Double?
    /// The share of a day's calls that arrive in the busiest hour.
    public var busyHourShare: Double?
    /// Average handle time in seconds.
    public var averageHandleTime: Double = 180
    /// Recorded talk time per call in seconds (defaults to the AHT).
    public var talkSeconds: Double?
    /// Seconds a call holds a trunk in the IVR before it queues.
    public var ivrSeconds: Double = 0
    /// Staffing goal for agents; `nil` when the scenario does not size agents.
    public var goal: StaffingGoal?
    /// Trunk blocking target for channels.
    public var blocking: Double = 0.01
    /// A forecast CSV (path relative to the scenario) whose peak interval sizes agents and channels.
    public var profile: String?

    public init() {}
}

/// What a scenario compares: its traffic and, per cost line, the option each setup uses.
///
/// A section left out of the file leaves its cost line out of the comparison, so a
/// scenario can compare one item (trunks only) or a whole hotline.
public struct Scenario: Hashable, Sendable, Codable {
    public var name: String
    public var description: String?
    /// A price book file (relative to the scenario) over the standard prices.
    public var prices: String?
    public var traffic: TrafficProfile?
    public var trunks: PerSetup<TrunkOption>?
    public var ivr: IVRChoice?
    public var recording: RecordingChoice?
    public var hosting: PerSetup<HostingOption>?
    public var seats: SeatChoice?
    public var qa: QAChoice?
    public var compliance: ComplianceChoice?
    public var operations: PerSetup<OperationsOption>?
    /// Published figures the scenario should reproduce, if any.
    public var published: PublishedFigures?

    public init(name: String) { self.name = name }

    public enum TrunkOption: Hashable, Sendable, Codable {
        /// PRI circuits; `nil` sizes them from the Erlang B channels.
        case pri(circuits: Int?)
        /// SIP channels; `nil` sizes them with Erlang B.
        case sip(channels: Int?)
    }

    public struct IVRChoice: Hashable, Sendable, Codable {
        public var flowChangesPerYear: Double
        public var options: PerSetup<IVROption>
    }

    public enum IVROption: String, Hashable, Sendable, Codable, CaseIterable { case hardware, software }

    public struct RecordingChoice: Hashable, Sendable, Codable {
        /// The share of calls recorded.
        public var coverage: Double = 1
        /// Years each recording is kept.
        public var retentionYears: Double = 1
        public var options: PerSetup<RecordingOption>
    }

    public enum RecordingOption: String, Hashable, Sendable, Codable, CaseIterable {
        case appliance
        case objectStorage = "object_storage"
    }

    public enum HostingOption: Hashable, Sendable, Codable {
        case machineRoom(servers: Int, engineers: Double)
        case cloud(instances: Int, engineers: Double)
    }

    public struct SeatChoice: Hashable, Sendable, Codable {
        /// Seats; `nil` takes the staff sized by Erlang C.
        public var count: Int?
        public var options: PerSetup<SeatOption>
    }

    public enum SeatOption: String, Hashable, Sendable, Codable, CaseIterable { case traditional, software }

    public struct QAChoice: Hashable, Sendable, Codable {
        /// Minutes a reviewer spends on one call (listening and scoring).
        public var reviewMinutesPerCall: Double = 12
        public var options: PerSetup<QAOption>
    }

    public enum QAOption: Hashable, Sendable, Codable {
        /// People listen to a sample: `coverage` of all calls.
        case manual(coverage: Double)
        /// Every call inspected automatically; people review `reviewShare` of calls (the flagged ones).
        case automatic(reviewShare: Double)
    }

    public struct ComplianceChoice: Hashable, Sendable, Codable {
        public var licenceAndFiling: Bool = false
        public var annualInspection: Bool = false
        public var level3: PerSetup<Level3Option>?
    }

    public enum Level3Option: String, Hashable, Sendable, Codable, CaseIterable {
        case selfHosted = "self_hosted"
        case cloud
    }

    public enum OperationsOption: String, Hashable, Sendable, Codable, CaseIterable { case traditional, hotline }

    /// Annual totals published for the case, with where they come from.
    public struct PublishedFigures: Hashable, Sendable, Codable {
        public var baseline: Double?
        public var hotline: Double?
        public var saving: Double?
        public var source: String?
    }
}
