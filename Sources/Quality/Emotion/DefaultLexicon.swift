// The text of examples/qa/lexicon.yaml, built into the binary. A test keeps the two equal.

/// The default Chinese customer-service sentiment lexicon, as YAML.
public enum DefaultLexicon {
    /// The YAML text.
    public static let yaml = #"""
# 客服情感词典 — sentiment lexicon for Chinese customer-service calls.
# Scores run from -5 (abuse, fury) to +5 (delight). When two entries overlap, the longer wins.
# This file is the same text as the lexicon built into hotline (a test keeps them equal).
name: 95热线客服情感词典
negators: [不, 没, 没有, 别, 不是, 并不, 并没有, 毫不, 绝不, 从不, 从没, 未, 不太, 不怎么, 无]
degrees:
  极其: 2.0
  极度: 2.0
  超级: 1.8
  特别: 1.7
  非常: 1.7
  十分: 1.6
  相当: 1.5
  实在: 1.5
  太: 1.6
  真的: 1.4
  真: 1.3
  好: 1.2
  很: 1.3
  挺: 1.2
  越来越: 1.4
  更加: 1.4
  一点都: 1.6
  一点也: 1.6
  简直: 1.8
  根本: 1.5
  完全: 1.5
  有点: 0.6
  有些: 0.6
  有一点: 0.6
  稍微: 0.5
  略微: 0.5
  还算: 0.7
terms:
  # anger and abuse
  气死: -5
  气死我了: -5
  混蛋: -5
  王八蛋: -5
  滚: -4
  有病: -4
  神经病: -5
  垃圾: -4
  骗子: -4
  骗人: -4
  忽悠: -3
  坑人: -4
  坑爹: -4
  流氓: -4
  无耻: -4
  恶心: -4
  太过分: -4
  过分: -3
  欺负人: -4
  欺人太甚: -5
  岂有此理: -4
  火大: -4
  生气: -3
  愤怒: -4
  受够了: -4
  忍无可忍: -5
  烦死了: -4
  烦死: -4
  烦: -2
  闹心: -3
  窝火: -4
  什么玩意: -4
  什么破: -3
  破公司: -4
  黑心: -4
  无语: -3
  离谱: -3
  扯皮: -3
  踢皮球: -3
  推卸责任: -3
  敷衍: -3
  糊弄: -3
  耍我: -4
  玩我: -4
  # dissatisfaction and distress
  不满意: -3
  很不满: -3
  不满: -3
  失望: -3
  太差: -3
  差劲: -3
  很差: -3
  糟糕: -3
  投诉: -1
  撤销投诉: 0.5
  着急: -2
  急死: -3
  担心: -1.5
  害怕: -2
  焦虑: -2
  郁闷: -2
  委屈: -2
  难受: -2
  痛苦: -3
  崩溃: -4
  不合理: -2
  不公平: -3
  不靠谱: -3
  不像话: -3
  没用: -2
  没人管: -3
  没人理: -3
  拖了: -2
  拖延: -2
  一拖再拖: -3
  等了半天: -2
  等了这么久: -2
  好几次: -1
  又是: -1
  怎么回事: -2
  搞什么: -3
  凭什么: -3
  到底: -1
  麻烦: -1
  问题: -0.5
  损失: -2
  # agent-side irritation
  你烦不烦: -4
  听不懂吗: -4
  说了多少遍: -3
  随便你: -3
  爱咋咋地: -4
  不耐烦: -3
  啰嗦: -3
  唠叨: -2
  已经说过了: -2
  听清楚了吗: -1.5
  还有事吗: -1
  真是的: -2
  都不懂: -3
  没仔细看: -2
  # polite forms that hide a negative entry
  麻烦您: 0
  麻烦你: 0
  不麻烦: 1
  没问题: 1
  不客气: 1
  没关系: 1
  不好意思: 0
  让您失望: 0
  给您添麻烦: 0
  给您带来不便: 0
  理解您的心情: 1
  您的心情: 0
  # appreciation and satisfaction
  谢谢: 2
  感谢: 2
  多谢: 2
  谢谢您: 2.5
  非常感谢: 3
  辛苦了: 2.5
  辛苦您了: 2.5
  满意: 3
  挺好: 2
  很好: 2.5
  不错: 2
  太好了: 3.5
  好的: 0.5
  可以: 0.3
  明白了: 1
  清楚了: 1
  理解: 1
  放心: 1.5
  专业: 2
  耐心: 2
  热情: 2
  周到: 2.5
  及时: 1.5
  给力: 3
  棒: 3
  开心: 3
  高兴: 3
  赞: 3
  解决了: 2
  帮了大忙: 3.5
  # service courtesy words agents use
  抱歉: 0.5
  对不起: 0.5
  请您放心: 1.5
  很高兴: 2
  祝您: 1.5
  愉快: 2
"""#
}
