/// Unit prices for the three cost groups of a 95 hotline, in one currency (CNY by default).
///
/// ``standard`` holds the public reference figures; a YAML file overrides any of
/// them (see `examples/planning/prices.yaml`, which spells out every key).
public struct PriceBook: Hashable, Sendable, Codable {
    public var currency: String = "CNY"
    public var compliance = Compliance()
    public var trunks = Trunks()
    public var ivr = IVR()
    public var recording = Recording()
    public var hosting = Hosting()
    public var seats = Seats()
    public var qa = QA()
    public var operations = Operations()

    public init() {}

    /// The public reference figures.
    public static let standard = PriceBook()

    /// 95-number licence and filing, 等保 (MLPS) level-3 assessment, annual inspection.
    public struct Compliance: Hashable, Sendable, Codable {
        /// Number licence upkeep and filing fees per year.
        public var licenceAndFilingPerYear = 30_000.0
        /// Annual inspection per year.
        public var annualInspectionPerYear = 20_000.0
        /// Level-3 assessment by a testing body, per year, either side.
        public var level3AssessmentPerYear = 60_000.0
        /// Level-3 remediation for an own machine room (firewall, audit, bastion host, physical security) per year.
        public var level3RemediationSelfHostedPerYear = 190_000.0
        /// Level-3 remediation on certified cloud hosting per year.
        public var level3RemediationCloudPerYear = 20_000.0
    }

    public struct Trunks: Hashable, Sendable, Codable {
        /// PRI (E1) rent per circuit per month.
        public var priCircuitPerMonth = 8_000.0
        /// Channels in one PRI circuit.
        public var priChannelsPerCircuit = 30
        /// E1 voice-gateway port, amortized with its maintenance, per circuit per month.
        public var priGatewayPerCircuitPerMonth = 2_000.0
        /// SIP trunk channel per month.
        public var sipChannelPerMonth = 200.0
    }

    public struct IVR: Hashable, Sendable, Codable {
        /// Hardware IVR (voice boards and IVR server) purchase.
        public var hardwarePurchase = 150_000.0
        public var hardwareAmortizationYears = 5.0
        /// Hardware maintenance as a share of the purchase per year.
        public var hardwareMaintenanceRate = 0.2
        /// One flow change developed by the IVR vendor.
        public var hardwareFlowChange = 8_500.0
        /// Software IVR node hosting per month.
        public var softwareNodePerMonth = 1_250.0
        /// One flow change made in-house by editing the flow file.
        public var softwareFlowChange = 1_000.0
    }

    public struct Recording: Hashable, Sendable, Codable {
        /// Recording appliance / carrier recording, per minute recorded per year kept.
        public var appliancePerMinute = 0.8
        /// Object storage, per minute recorded per year kept.
        public var objectStoragePerMinute = 0.2
    }

    public struct Hosting: Hashable, Sendable, Codable {
        public var serverPurchase = 40_000.0
        public var serverAmortizationYears = 4.0
        /// Machine room: rack rent, power, cooling, UPS, per month.
        public var machineRoomPerMonth = 15_000.0
        /// One cloud instance per month.
        public var cloudInstancePerMonth = 2_500.0
        /// One IT operations engineer per year, all costs.
        public var engineerPerYear = 130_000.0
    }

    public struct Seats: Hashable, Sendable, Codable {
        /// Traditional seat (seat licence, desk phone, CTI hardware) per month.
        public var traditionalPerMonth = 3_000.0
        /// Softphone seat on Hotline per month.
        public var softwarePerMonth = 800.0
    }

    public struct QA: Hashable, Sendable, Codable {
        /// One QA reviewer per month.
        public var reviewerPerMonth = 6_000.0
        /// Productive review minutes of one reviewer per month (22 days × 7 h).
        public var reviewerMinutesPerMonth = 9_240.0
        /// Automatic inspection per call minute (speech recognition compute); 0 when it runs on hosting already counted.
        public var automaticPerMinute = 0.0
    }

    public struct Operations: Hashable, Sendable, Codable {
        public var traditional = Side(trainingPerSeatPerYear: 2_000, upgradesPerYear: 80_000, incidentsPerYear: 60_000)
        public var hotline = Side(trainingPerSeatPerYear: 1_000, upgradesPerYear: 10_000, incidentsPerYear: 20_000)

        /// Training, upgrades and incidents of one setup.
        public struct Side: Hashable, Sendable, Codable {
            public var trainingPerSeatPerYear: Double
            /// Vendor upgrades and licence renewals per year.
            public var upgradesPerYear: Double
            /// Cost of outages and incident handling per year.
            public var incidentsPerYear: Double
        }
    }
}

extension PriceBook {
    /// Reads a price book from YAML over `base`: every key is optional, unknown keys are errors.
    public init(yaml text: String, source: String, base: PriceBook = .standard) throws {
        self = try Self.read(YAMLObject.parse(text, source: source), base: base)
    }

    /// Reads a price book file over `base`.
    public init(contentsOf path: String, base: PriceBook = .standard) throws {
        self = try Self.read(YAMLObject.load(path: path), base: base)
    }

    static func read(_ root: YAMLObject, base: PriceBook) throws -> PriceBook {
        var book = base
        book.currency = try root.string("currency") ?? base.currency
        if let c = try root.object("compliance") {
            book.compliance.licenceAndFilingPerYear = try c.double("licence_and_filing_per_year", default: base.compliance.licenceAndFilingPerYear)
            book.compliance.annualInspectionPerYear = try c.double("annual_inspection_per_year", default: base.compliance.annualInspectionPerYear)
            book.compliance.level3AssessmentPerYear = try c.double("level3_assessment_per_year", default: base.compliance.level3AssessmentPerYear)
            book.compliance.level3RemediationSelfHostedPerYear = try c.double("level3_remediation_self_hosted_per_year", default: base.compliance.level3RemediationSelfHostedPerYear)
            book.compliance.level3RemediationCloudPerYear = try c.double("level3_remediation_cloud_per_year", default: base.compliance.level3RemediationCloudPerYear)
            try c.rejectUnknownKeys()
        }
        if let t = try root.object("trunks") {
            book.trunks.priCircuitPerMonth = try t.double("pri_circuit_per_month", default: base.trunks.priCircuitPerMonth)
            if let channels = try t.int("pri_channels_per_circuit") {
                guard channels > 0 else { throw t.error("pri_channels_per_circuit", "must be at least 1") }
                book.trunks.priChannelsPerCircuit = channels
            }
            book.trunks.priGatewayPerCircuitPerMonth = try t.double("pri_gateway_per_circuit_per_month", default: base.trunks.priGatewayPerCircuitPerMonth)
            book.trunks.sipChannelPerMonth = try t.double("sip_channel_per_month", default: base.trunks.sipChannelPerMonth)
            try t.rejectUnknownKeys()
        }
        if let i = try root.object("ivr") {
            book.ivr.hardwarePurchase = try i.double("hardware_purchase", default: base.ivr.hardwarePurchase)
            book.ivr.hardwareAmortizationYears = try i.double("hardware_amortization_years", default: base.ivr.hardwareAmortizationYears, minimum: 0.1)
            book.ivr.hardwareMaintenanceRate = try i.double("hardware_maintenance_rate", default: base.ivr.hardwareMaintenanceRate)
            book.ivr.hardwareFlowChange = try i.double("hardware_flow_change", default: base.ivr.hardwareFlowChange)
            book.ivr.softwareNodePerMonth = try i.double("software_node_per_month", default: base.ivr.softwareNodePerMonth)
            book.ivr.softwareFlowChange = try i.double("software_flow_change", default: base.ivr.softwareFlowChange)
            try i.rejectUnknownKeys()
        }
        if let r = try root.object("recording") {
            book.recording.appliancePerMinute = try r.double("appliance_per_minute", default: base.recording.appliancePerMinute)
            book.recording.objectStoragePerMinute = try r.double("object_storage_per_minute", default: base.recording.objectStoragePerMinute)
            try r.rejectUnknownKeys()
        }
        if let h = try root.object("hosting") {
            book.hosting.serverPurchase = try h.double("server_purchase", default: base.hosting.serverPurchase)
            book.hosting.serverAmortizationYears = try h.double("server_amortization_years", default: base.hosting.serverAmortizationYears, minimum: 0.1)
            book.hosting.machineRoomPerMonth = try h.double("machine_room_per_month", default: base.hosting.machineRoomPerMonth)
            book.hosting.cloudInstancePerMonth = try h.double("cloud_instance_per_month", default: base.hosting.cloudInstancePerMonth)
            book.hosting.engineerPerYear = try h.double("engineer_per_year", default: base.hosting.engineerPerYear)
            try h.rejectUnknownKeys()
        }
        if let s = try root.object("seats") {
            book.seats.traditionalPerMonth = try s.double("traditional_per_month", default: base.seats.traditionalPerMonth)
            book.seats.softwarePerMonth = try s.double("software_per_month", default: base.seats.softwarePerMonth)
            try s.rejectUnknownKeys()
        }
        if let q = try root.object("qa") {
            book.qa.reviewerPerMonth = try q.double("reviewer_per_month", default: base.qa.reviewerPerMonth)
            book.qa.reviewerMinutesPerMonth = try q.double("reviewer_minutes_per_month", default: base.qa.reviewerMinutesPerMonth, minimum: 1)
            book.qa.automaticPerMinute = try q.double("automatic_per_minute", default: base.qa.automaticPerMinute)
            try q.rejectUnknownKeys()
        }
        if let o = try root.object("operations") {
            func side(_ key: String, _ base: Operations.Side) throws -> Operations.Side {
                guard let s = try o.object(key) else { return base }
                let result = Operations.Side(
                    trainingPerSeatPerYear: try s.double("training_per_seat_per_year", default: base.trainingPerSeatPerYear),
                    upgradesPerYear: try s.double("upgrades_per_year", default: base.upgradesPerYear),
                    incidentsPerYear: try s.double("incidents_per_year", default: base.incidentsPerYear))
                try s.rejectUnknownKeys()
                return result
            }
            book.operations.traditional = try side("traditional", base.operations.traditional)
            book.operations.hotline = try side("hotline", base.operations.hotline)
            try o.rejectUnknownKeys()
        }
        try root.rejectUnknownKeys()
        return book
    }
}
