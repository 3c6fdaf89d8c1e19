// The text of examples/qa/rules.yaml, built into the binary. A test keeps the two equal.

/// The default rule pack for 95 hotlines, as YAML.
public enum DefaultRulePack {
    /// The YAML text.
    public static let yaml = #"""
# 95 热线默认质检规则包 — the default quality rules for 95 hotlines.
# This file is the same text as the pack built into hotline (a test keeps them equal);
# copy it, edit it, and pass it with `hotline qa analyze --rules FILE`.
name: 95-hotline-default

negation:
  window: 3
  cues: [不是, 不是要, 不是想, 不用, 不要, 不想, 不需要, 无需, 不必, 不打算, 没打算, 没想, 没想过, 并不, 并没有, 没有要, 别, 甭, 没必要, 不会, 不准备, 用不着, 犯不着, 不至于, 差点, 差点就, 本来想, 本来要, 原本想, 朋友说, 朋友想, 别人说, 有人说, 听说, 新闻说, 网上说]
  adjacent_cues: [不, 没, 未]
  after: [就不用了, 不用了, 就算了, 算了吧, 算了, 不必了, 就不必了, 倒不至于, 不至于, 先不用, 先不了, 就不要了, 不要了, 就免了]
  blockers: [为什么, 凭什么, 怎么, 难道, 是不是, 要不要, 能不能, 可不可以, 会不会, 不得不, 不能不, 非得, 还没, 还不, 还未, 一直未, 一直没, 一直不, 到现在没, 迟迟不, 迟迟没]

rules:
  - id: greeting_missing
    name: 开场白缺失
    description: The agent gives no standard greeting (您好 / 欢迎致电 / 很高兴为您服务 …) in an utterance that starts within the first 15 seconds.
    severity: major
    points: -15
    when:
      not:
        keywords:
          speaker: agent
          first_seconds: 15
          any: [您好, 你好, 欢迎致电, 欢迎来电, 感谢致电, 感谢您的来电, 很高兴为您服务, 竭诚为您服务, 有什么可以帮您, 有什么可以帮到您, 有什么能帮您, 早上好, 上午好, 中午好, 下午好, 晚上好]
          exclude: [您好像, 你好像, 你好好, 您好好]

  - id: closing_missing
    name: 结束语缺失
    description: The agent gives no standard closing (再见 / 感谢来电 / 祝您生活愉快 / 请对服务评价 …) in an utterance that ends within the last 30 seconds.
    severity: minor
    points: -10
    when:
      not:
        keywords:
          speaker: agent
          last_seconds: 30
          any: [再见, 拜拜, 感谢您的来电, 感谢来电, 感谢致电, 感谢您的耐心, 感谢您的支持, 感谢您的理解, 祝您生活愉快, 祝您愉快, 祝您一切顺利, 祝您旅途愉快, 祝您学习进步, 祝您, 服务评价, 满意度评价, 对我的服务进行评价, 对我的服务作出评价, 对我的服务做出评价, 还有其他可以帮您, 还有什么可以帮您, 还有其他问题吗, 还有其他需要, 还有别的问题吗, 欢迎再次来电, 欢迎您再次来电]

  - id: forbidden_phrase
    name: 服务禁语
    description: The agent says a service taboo — refusing, shifting responsibility, blaming or provoking the customer. One occurrence fails the call.
    severity: critical
    points: -35
    auto_fail: true
    when:
      keywords:
        speaker: agent
        any: [不知道, 我没办法, 我也没办法, 这个没办法, 没办法了, 那没办法, 这事不归我管, 不归我管, 不归我们管, 不关我的事, 不关我事, 跟我没关系, 和我没关系, 有本事你投诉我, 有本事你去投诉, 你去投诉吧, 你投诉我也没用, 投诉也没用, 随便你投诉, 你爱投诉就投诉, 你听清楚没, 你听清楚了没有, 你听清楚了吗, 你听不懂吗, 你听懂了没有, 你听不懂人话, 你没听懂吗, 刚才不是告诉你了吗, 刚才不是跟你说了吗, 不是跟你说了吗, 不是告诉你了吗, 我已经说过了, 我刚才已经说了, 说了多少遍了, 说过多少次了, 你明天再打过来, 你明天再打, 你过几天再打, 你自己看, 你自己去查, 你自己去看, 自己看说明书, 你问别人去, 你找别人去, 爱买不买, 爱办不办, 爱要不要, 你烦不烦, 你到底想怎样, 你到底想怎么样, 你怎么这么啰嗦, 你有完没完, 你急什么, 急什么急, 我下班了, 我解决不了, 我处理不了, 这不是我的问题, 你自己的问题]
        exclude: [不知道您, 不知道你是否, 不知道是否, 不知道方便, 不知道方不方便, 您不知道, 不知道的话, 是你自己的账户, 是你自己本人]

  - id: complaint_risk
    name: 投诉风险
    description: The customer intends to complain or escalate — 投诉, 举报, asking for a manager, regulators (12315, 工信部, 银保监, 消协), media exposure or legal action. Negated, counterfactual or reported mentions (我不是要投诉, 差点要投诉, 投诉就算了, 我朋友说想投诉), other people's complaints (有人投诉) and utterances that withdraw a complaint (撤销投诉) do not count.
    severity: critical
    points: -10
    when:
      keywords:
        speaker: customer
        any: [投诉, 举报, 找你们领导, 叫你们领导, 让你们领导, 你们领导, 找领导, 找你们经理, 你们经理, 你们主管, 找主管, 找你们上级, 你们上级, 找上级, 你的上级, "12315", 一二三一五, "12345", 市长热线, 工信部, 消协, 消费者协会, 银保监, 金融监管, 监管局, 市场监管, 曝光, 找媒体, 找记者, 发微博, 黑猫, 起诉, 告你们, 法院, 律师函, 打官司, 维权]
        exclude: [有人投诉, 别人投诉, 网友投诉, 投诉电话打不通]
        exclude_sentence: [撤销投诉, 撤回投诉, 取消投诉, 投诉撤了, 投诉已经解决, 投诉就不必了, 投诉就算了, 投诉就不用了]

  - id: refund_intent
    name: 退款诉求
    description: The customer asks for money back — a refund, returning goods for money, cancelling a paid service, a ticket or an insurance policy. Questions about the refund policy or its fees, refunds already paid, and negated mentions (不用退款了) do not count.
    severity: major
    points: 0
    when:
      keywords:
        speaker: customer
        any: [退款, 退钱, 退费, 把钱退, 钱退给我, 钱退回, 退回来, 退给我, 退还, 要求退, 退一半, 退部分, 退点钱, 全额退, 退掉, 退了吧, 给我退了, 我要退, 我想退, 想退货, 要退货, 能退吗, 能不能退, 可以退吗, 可不可以退, 能给我退, 退保, 退票, 退订, 退学费, 退押金, 退运费, 退差价]
        exclude: [退款政策, 退款规则, 退款规定, 退款条件, 退款流程, 退款的政策, 退款的规定, 退款的规则, 退费政策, 退费规定, 退费的规定, 退费的政策, 退费标准, 退票规定, 退票的规定, 退保规定, 退款进度, 退款到账, 退款已到账, 退款已经到, 退款已经收到, 退款收到了, 已经退款, 已经退了, 已经退到, 已经退还, 退票手续费, 退票费, 退票要收, 退款手续费, 退保手续费, 退费手续费, 收到退款, 退款到了]

  - id: long_silence
    name: 长时间静音
    description: Nobody speaks for more than 10 seconds between two turns (hold without announcement, the agent not answering).
    severity: major
    points: -10
    when:
      silence: {longer_than_ms: 10000}

  - id: fast_speech
    name: 语速过快
    description: An agent turn of at least 3 seconds runs faster than 280 characters per minute.
    severity: minor
    points: -5
    when:
      speaking_rate: {speaker: agent, above_cpm: 280, per: turn, min_seconds: 3}

  - id: overtalk
    name: 抢话
    description: The agent starts talking while the customer is speaking and both talk at once for more than 1 second.
    severity: major
    points: -10
    when:
      overtalk: {by: agent, longer_than_ms: 1000}

  - id: customer_negative_emotion
    name: 客户负面情绪
    description: In some quarter of the call the customer's emotion score is -2.5 or lower (angry or clearly negative), from words and, with a recording, raised voice.
    severity: major
    points: -10
    when:
      emotion: {speaker: customer, below: -2.5}

  - id: agent_negative_emotion
    name: 坐席负面情绪
    description: In some quarter of the call the agent's emotion score is -1.5 or lower — impatience, irritation or a raised voice.
    severity: critical
    points: -15
    when:
      emotion: {speaker: agent, below: -1.5}

template:
  name: 95热线标准质检评分表
  pass_score: 80
  sections:
    - id: opening
      name: 开场规范
      weight: 15
      rules: [greeting_missing]
    - id: closing
      name: 结束规范
      weight: 10
      rules: [closing_missing]
    - id: conduct
      name: 服务规范
      weight: 45
      rules: [forbidden_phrase, agent_negative_emotion, overtalk, long_silence, fast_speech]
    - id: experience
      name: 客户体验
      weight: 30
      rules: [complaint_risk, customer_negative_emotion, refund_intent]
"""#
}
