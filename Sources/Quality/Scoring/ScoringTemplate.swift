/// An evaluation form: weighted sections of rules, a pass mark, and auto-fail.
///
/// Each section is worth `weight` points of the 100. A section starts full; every rule of the
/// section that fires adds its (usually negative) points, and the section stays between 0 and
/// its weight. Weights are scaled so that they sum to 100.
public struct ScoringTemplate: Sendable, Equatable {
    /// One part of the form, e.g. 开场 or 服务规范.
    public struct Section: Sendable, Equatable {
        public var id: String
        public var name: String
        public var weight: Double
        public var rules: [String]

        public init(id: String, name: String? = nil, weight: Double, rules: [String]) {
            self.id = id
            self.name = name ?? id
            self.weight = weight
            self.rules = rules
        }
    }

    public var name: String
    /// Calls scoring at least this pass (unless auto-failed).
    public var passScore: Double
    public var sections: [Section]

    public init(name: String, passScore: Double = 80, sections: [Section]) {
        self.name = name
        self.passScore = passScore
        self.sections = sections
    }

    /// A template with one section holding every rule, used when a pack declares none.
    public static func flat(rules: [Rule]) -> ScoringTemplate {
        ScoringTemplate(name: "default", passScore: 80,
                        sections: [Section(id: "all", name: "all", weight: 100, rules: rules.map(\.id))])
    }
}
