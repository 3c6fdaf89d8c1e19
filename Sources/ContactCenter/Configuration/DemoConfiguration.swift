import Foundation

/// The built-in demo hotline: `hotline serve` runs it when no configuration file is given.
///
/// Its text is the same as `examples/demo.yaml` and `examples/demo/flows.yaml` (a test keeps them
/// identical); its prompts are the WAV files in `examples/prompts/`.
public enum DemoConfiguration {
    /// The text of `examples/demo.yaml`.
    public static let mainFile = #"""
# The demo hotline: what `hotline serve` runs without --config.
#
# Call the 95 number from this machine (the trunk admits loopback only), e.g.
#   sipp -sn uac -s 959999 127.0.0.1:5060 -m 1
# and register a softphone as extension 8001 … 8005 (password demo-8001 … demo-8005).
# The reference of every key is docs/configuration.md; check a file with
#   hotline check-config examples/demo.yaml

hotline:
  numbers: ["959999"]
  name: 演示热线
  time-zone: Asia/Shanghai

include:
  - demo/flows.yaml

trunks:
  loopback:
    allow: [127.0.0.0/8, "::1"]
    channels: 30
    price:
      per-minute: 0.05
      per-channel-month: 0

numbers:
  inbound:
    - number: "959999"
      flow: greeting
  # Virtual numbers: 021-5000-8001 … 021-5000-8005 ring extensions 8001 … 8005 directly.
  virtual:
    - from: "02150008001"
      to: "02150008005"
      extension-digits: 4

agents:
  - {extension: "8001", name: 张伟, password: demo-8001, skills: [sales, vip]}
  - {extension: "8002", name: 李娜, password: demo-8002, skills: [sales, enterprise]}
  - {extension: "8003", name: 王芳, password: demo-8003, skills: [after-sales, vip]}
  - {extension: "8004", name: 刘洋, password: demo-8004, skills: [after-sales, enterprise]}
  - {extension: "8005", name: 陈静, password: demo-8005, skills: [after-sales]}

queues:
  vip: {skills: [vip], max-wait: 120s}
  enterprise: {skills: [enterprise], max-wait: 180s}
  sales: {skills: [sales], hold-prompt: please-hold}
  after-sales: {skills: [after-sales], hold-prompt: please-hold}
  default: {agents: ["8001", "8002", "8003", "8004", "8005"], strategy: round-robin}

prompts:
  welcome: prompts/welcome.wav                      # 您好，欢迎致电演示热线。
  menu: prompts/menu.wav                            # 销售请按1，售后请按2，拨分机请按0。
  invalid: prompts/invalid.wav                      # 输入有误，请重新选择。
  enter-extension: prompts/enter-extension.wav      # 请输入分机号码。
  no-such-extension: prompts/no-such-extension.wav  # 分机号不存在，请重新输入。
  vip: prompts/vip.wav                              # 尊敬的贵宾，正在为您接通专属客服。
  please-hold: prompts/please-hold.wav              # 正在为您转接，请稍候。

store:
  sqlite: hotline.sqlite   # in the data directory (--data, default ./data)

"""#

    /// The text of `examples/demo/flows.yaml`, which `demo.yaml` includes.
    public static let flowsFile = #"""
# The demo's call flow. Steps run in order; branches name other steps of the flow.
flows:
  greeting:
    - name: welcome
      play: {prompt: welcome, barge-in: true}

    # The CRM may pick the queue for this caller: it answers {"next": "vip"} (or enterprise,
    # default, menu). No answer, a slow or failing CRM, or an answer it cannot read: the rules decide.
    - name: crm
      webhook:
        url: http://127.0.0.1:8090/crm/route
        timeout: 2s
        retries: 1
        choices: [vip, enterprise, default, menu]
        fallback: classify

    # Callers whose number starts with 138 go to the VIP queue, callers from enterprise.com to
    # the enterprise queue; everyone else hears the menu (and lands in the default queue when
    # they make no valid choice).
    - name: classify
      route:
        - caller-prefix: "138"
          goto: vip
        - from-domain: enterprise.com
          goto: enterprise

    - name: menu
      gather:
        prompt: menu
        max-digits: 1
        first-digit-timeout: 5s
        inter-digit-timeout: 3s
        retries: 1            # two tries in all
        invalid-prompt: invalid
        choices:
          "1": sales
          "2": after-sales
          "0": dial-extension
        no-input: after-sales
        invalid: default

    - name: sales
      queue: {name: sales, overflow: default}
    - name: after-sales
      queue: {name: after-sales, overflow: default}
    - name: dial-extension
      extension:
        prompt: enter-extension
        retry-prompt: no-such-extension
        retries: 2
        failed: default
    - name: vip
      queue: {name: vip, announce: vip, overflow: default}
    - name: enterprise
      queue: {name: enterprise, announce: please-hold, overflow: default}
    - name: default
      queue: default

"""#

    /// The demo's files by path relative to the `examples` folder.
    public static let files: [String: String] = ["demo.yaml": mainFile, "demo/flows.yaml": flowsFile]

    /// The demo's 95 number.
    public static let hotlineNumber = "959999"

    /// Loads the demo from memory. Prompt files are looked for under `examplesDirectory`
    /// (default: ``findExamplesDirectory()``); when that is not found, prompts are not checked and
    /// their paths point into `examples/` relative to the working directory.
    public static func load(examplesDirectory: String? = nil,
                            speechSynthesizerAvailable: Bool = SpeechSynthesizer.isInstalled()) throws(ConfigurationError) -> HotlineConfiguration {
        let directory = examplesDirectory ?? findExamplesDirectory()
        let root = directory ?? "examples"
        var memory: [String: String] = [:]
        for (path, text) in files { memory[ConfigurationPath.normalize(root + "/" + path)] = text }
        let loader = ConfigurationLoader(files: InMemoryFiles(memory, fallback: DiskFiles()),
                                         speechSynthesizerAvailable: speechSynthesizerAvailable,
                                         checkPromptFiles: directory != nil)
        return try loader.load(ConfigurationPath.normalize(root + "/demo.yaml"))
    }

    /// The `examples` folder holding the demo's prompts: `./examples` when it has them, else the one
    /// in the source checkout this module was built from.
    public static func findExamplesDirectory(currentDirectory: String = FileManager.default.currentDirectoryPath) -> String? {
        let checkout = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples").path
        for candidate in [currentDirectory + "/examples", checkout]
        where FileManager.default.fileExists(atPath: candidate + "/prompts/welcome.wav") {
            return ConfigurationPath.normalize(candidate)
        }
        return nil
    }
}
