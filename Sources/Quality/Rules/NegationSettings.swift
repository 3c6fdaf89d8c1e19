/// How negation is recognised around a phrase.
///
/// A phrase occurrence is negated when, inside the same clause,
/// - one of `cues` ends at most `window` characters before it (我**不是要**跟你们投诉), or
/// - one of `adjacentCues` stands right before it (不投诉), or
/// - one of `after` starts at most `window` characters after it (退款**就不用了**),
///
/// unless one of `blockers` covers or precedes the cue in that clause: a question or a double
/// negation turns the cue around (**为什么不**给我退款, **不得不**投诉, 到现在**还没**退款).
public struct NegationSettings: Sendable, Equatable {
    public var window: Int
    public var cues: [String]
    public var adjacentCues: [String]
    public var after: [String]
    public var blockers: [String]

    public init(window: Int, cues: [String], adjacentCues: [String], after: [String], blockers: [String]) {
        self.window = window
        self.cues = cues
        self.adjacentCues = adjacentCues
        self.after = after
        self.blockers = blockers
    }

    /// The settings used when a rule pack says nothing about negation.
    public static let standard = NegationSettings(
        window: 3,
        cues: ["不是", "不是要", "不是想", "不用", "不要", "不想", "不需要", "无需", "不必", "不打算", "没打算",
               "没想", "没想过", "并不", "并没有", "没有要", "别", "甭", "没必要", "不会", "不准备", "用不着", "犯不着", "不至于", "差点", "差点就", "本来想", "本来要", "原本想",
               "朋友说", "朋友想", "别人说", "有人说", "听说", "新闻说", "网上说"],
        adjacentCues: ["不", "没", "未"],
        after: ["就不用了", "不用了", "就算了", "算了吧", "算了", "不必了", "就不必了", "倒不至于", "不至于", "先不用", "先不了", "就不要了", "不要了", "就免了"],
        blockers: ["为什么", "凭什么", "怎么", "难道", "是不是", "要不要", "能不能", "可不可以", "会不会", "不得不", "不能不", "非得", "还没", "还不", "还未", "一直未", "一直没", "一直不", "到现在没", "迟迟不", "迟迟没"]
    )
}
