import Foundation

extension ConfigurationReader {
    // MARK: hotline

    func readHotline() -> HotlineSettings? {
        guard let value = single(.hotline), let mapping = value.mapping("hotline", what: "'hotline'") else { return nil }
        var numbers: [String] = []
        if let list = mapping.required("numbers") {
            let entries = list.node.sequence.map { $0.map(list.child) } ?? [list]
            for entry in entries {
                guard let number = entry.text("numbers") else { continue }
                if HotlineSettings.isHotlineNumber(number) {
                    numbers.append(number)
                } else {
                    entry.report("'\(number)' is not a 95 number (95 followed by 3 or 4 digits, e.g. 95xxx or 95xxxx)")
                }
            }
        }
        let name = mapping.text("name") ?? numbers.first ?? ""
        var timeZone = HotlineSettings.defaultTimeZone
        if let zone = mapping.optional("time-zone"), let text = zone.text("time-zone") {
            if let parsed = TimeZone(identifier: text) {
                timeZone = parsed
            } else {
                zone.report("unknown time zone '\(text)' (expected a name such as Asia/Shanghai)")
            }
        }
        let maxCallDuration = mapping.duration("max-call-duration") ?? HotlineSettings.defaultMaxCallDuration
        let callsPerSecond = mapping.wholeNumber("calls-per-second", minimum: 1)
        mapping.rejectUnknownKeys()
        hotline = HotlineSettings(numbers: numbers, name: name, timeZone: timeZone, maxCallDuration: maxCallDuration,
                                  callsPerSecond: callsPerSecond)
        return hotline
    }

    // MARK: api

    func readApi() -> ApiSettings {
        guard let value = single(.api), let mapping = value.mapping("api", what: "'api'") else { return ApiSettings() }
        var settings = ApiSettings()
        if let items = mapping.optional("tokens")?.list("tokens") {
            for item in items {
                guard let entry = item.mapping("tokens", what: "an API token") else { continue }
                let tokenValue = entry.required("token")
                let token = secret(tokenValue, "token")
                var role = ApiToken.Role.viewer
                if let roleValue = entry.optional("role"), let text = roleValue.text("role") {
                    if let parsed = ApiToken.Role(rawValue: text) {
                        role = parsed
                    } else {
                        let names = ApiToken.Role.allCases.map(\.rawValue)
                        roleValue.report("unknown role '\(text)'; expected one of \(names.joined(separator: ", "))")
                    }
                }
                entry.rejectUnknownKeys()
                guard let tokenValue, let token else { continue }
                guard token.count >= ApiToken.minimumLength else {
                    tokenValue.report("an API token should have at least \(ApiToken.minimumLength) characters, so that it cannot be guessed")
                    continue
                }
                settings.tokens.append(ApiToken(token: token, role: role))
            }
        }
        mapping.rejectUnknownKeys()
        return settings
    }

    // MARK: quality

    func readQuality() -> QualitySettings {
        guard let value = single(.quality), let mapping = value.mapping("quality", what: "'quality'") else { return QualitySettings() }
        var settings = QualitySettings()
        settings.workers = mapping.optional("workers")?.wholeNumber("workers", minimum: 0, maximum: 64)
        if let rules = mapping.optional("rules"), let path = rules.text("rules") {
            let resolved = ConfigurationPath.resolve(path, from: rules.file)
            if loader.checkPromptFiles, !loader.files.exists(resolved) {
                rules.report("rule pack '\(path)' not found (looked for \(resolved))")
            } else {
                settings.rulesFile = resolved
            }
        }
        if let asrValue = mapping.optional("asr"), let asr = asrValue.mapping("asr", what: "'asr'") {
            let urlValue = asr.required("url")
            let url = secret(urlValue, "url")
            let model = asr.optional("model")?.text("model")
            let language = asr.optional("language")?.text("language")
            let apiKey = secret(asr.optional("api-key"), "api-key")
            asr.rejectUnknownKeys()
            if let url, let urlValue {
                if URL(string: url)?.host == nil || !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    urlValue.report("'\(url)' is not an http:// or https:// URL")
                } else {
                    settings.asr = ASRSettings(url: url, model: model ?? "whisper-1", language: language ?? "zh", apiKey: apiKey)
                }
            }
        }
        mapping.rejectUnknownKeys()
        return settings
    }

    // MARK: store

    func readStore() -> StoreConfiguration {
        guard let value = single(.store) else { return .default }
        if value.node.scalar != nil, !value.isNull {
            return secret(value, "store").flatMap { storeFromText($0, at: value) } ?? .default
        }
        guard let mapping = value.mapping("store", what: "'store'") else { return .default }
        let sqlite = mapping.optional("sqlite")
        let postgres = mapping.optional("postgres")
        mapping.rejectUnknownKeys()
        switch (sqlite, postgres) {
        case (let sqlite?, nil):
            guard let path = sqlite.text("sqlite") else { return .default }
            return .sqlite(path: path)
        case (nil, let postgres?):
            guard let url = secret(postgres, "postgres") else { return .default }
            return storeFromText(url, at: postgres) ?? .default
        case (.some, .some):
            value.report("'store' takes either 'sqlite' or 'postgres', not both")
        case (nil, nil):
            value.report("'store' needs 'sqlite: FILE' or 'postgres: URL'")
        }
        return .default
    }

    private func storeFromText(_ text: String, at value: YAMLValue) -> StoreConfiguration? {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let url = URL(string: text), url.host != nil else {
                value.report("'\(text)' is not a PostgreSQL URL (postgres://user:password@host:5432/database)")
                return nil
            }
            return .postgres(url: text)
        }
        if text.contains("://") {
            value.report("unsupported store '\(text)': use an SQLite file name or a postgres:// URL")
            return nil
        }
        return .sqlite(path: text)
    }

    // MARK: prompts

    func readPrompts() {
        for entry in namedEntries(.prompts, what: "prompt") {
            promptLocations[entry.name] = entry.key.location
            if let source = promptDefinition(entry.value, name: entry.name) { prompts[entry.name] = source }
        }
    }

    /// A prompt as defined: `file.wav`, `say: text`, `{file: …}` or `{say: …, voice: …}`.
    func promptDefinition(_ value: YAMLValue, name: String) -> ConfiguredPrompt? {
        if value.node.mapping != nil, let mapping = value.mapping(name, what: "prompt '\(name)'") {
            let file = mapping.optional("file")
            let say = mapping.optional("say")
            let voice = mapping.text("voice") ?? ConfiguredPrompt.defaultVoice
            mapping.rejectUnknownKeys()
            switch (file, say) {
            case (let file?, nil):
                return file.text("file").flatMap { promptFile($0, at: file) }
            case (nil, let say?):
                return say.text("say").flatMap { spoken($0, voice: voice, at: say) }
            default:
                value.report("prompt '\(name)' needs either 'file' or 'say'")
                return nil
            }
        }
        guard let text = value.text(name) else { return nil }
        if let say = ConfiguredPrompt.sayText(text) { return spoken(say, voice: ConfiguredPrompt.defaultVoice, at: value) }
        return promptFile(text, at: value)
    }

    /// A prompt used by a step: a prompt name, `say: text`, a WAV path, or an inline `{file|say}` mapping.
    func promptReference(_ value: YAMLValue, key: String) -> ConfiguredPrompt? {
        if value.node.mapping != nil { return promptDefinition(value, name: key) }
        guard let text = value.text(key) else { return nil }
        if let say = ConfiguredPrompt.sayText(text) { return spoken(say, voice: ConfiguredPrompt.defaultVoice, at: value) }
        if let named = prompts[text] { return named }
        if promptLocations[text] != nil { return nil } // defined, but broken: reported there
        if text.contains("/") || text.lowercased().hasSuffix(".wav") { return promptFile(text, at: value) }
        reportUnknown("prompt", text, at: value, known: promptLocations.keys)
        return nil
    }

    private func promptFile(_ path: String, at value: YAMLValue) -> ConfiguredPrompt? {
        let resolved = ConfigurationPath.resolve(path, from: value.file)
        if loader.checkPromptFiles, !loader.files.exists(resolved) {
            value.report("prompt file '\(path)' not found (looked for \(resolved))")
            return nil
        }
        return .file(resolved)
    }

    private func spoken(_ text: String, voice: String, at value: YAMLValue) -> ConfiguredPrompt? {
        guard !text.isEmpty else {
            value.report("'say:' needs the text to speak")
            return nil
        }
        guard loader.speechSynthesizerAvailable else {
            value.report("'say:' prompts need espeak-ng, which is not installed (apt-get install espeak-ng), or use a WAV file")
            return nil
        }
        return .say(text: text, voice: voice)
    }

    // MARK: lists

    func readLists() {
        for entry in namedEntries(.lists, what: "list") {
            guard let items = entry.value.list(entry.name) else { continue }
            var numbers: [String] = []
            for item in items {
                guard let number = item.text(entry.name) else { continue }
                let digits = number.hasSuffix("*") ? String(number.dropLast()) : number
                guard PhoneNumberText.isNumber(digits) else {
                    item.report("'\(number)' in list '\(entry.name)' is not a phone number (digits, optionally ending in * for a prefix)")
                    continue
                }
                numbers.append(number)
            }
            lists[entry.name] = NumberList(name: entry.name, entries: numbers, location: entry.key.location)
        }
    }

    // MARK: trunks

    func readTrunks() {
        for entry in namedEntries(.trunks, what: "trunk") {
            guard let mapping = entry.value.mapping(entry.name, what: "trunk '\(entry.name)'") else { continue }
            var allow: [IPAddressRange] = []
            if let value = mapping.required("allow") {
                let items = value.node.sequence.map { $0.map(value.child) } ?? [value]
                for item in items {
                    guard let text = item.text("allow") else { continue }
                    if let range = IPAddressRange(text) {
                        // Calls from an address two trunks admit would always be counted against the first.
                        if let other = trunks.first(where: { $0.allow.contains(where: range.overlaps) }),
                           let block = other.allow.first(where: range.overlaps) {
                            item.report("\(range) overlaps \(block) of trunk '\(other.name)' (at \(other.location)): a call's trunk must be clear from its address")
                        }
                        allow.append(range)
                    } else if let network = IPAddressRange.networkContaining(text) {
                        item.report("'\(text)' has host bits set; the block is \(network)")
                    } else {
                        item.report("'\(text)' is not an IP address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)")
                    }
                }
            }
            let channels = mapping.wholeNumber("channels", minimum: 1)
            let callsPerSecond = mapping.wholeNumber("calls-per-second", minimum: 1)
            let proxy = mapping.text("proxy")
            var pricing = TrunkPricing()
            if let price = mapping.optional("price")?.mapping("price", what: "the price of trunk '\(entry.name)'") {
                pricing.perMinute = price.number("per-minute") ?? 0
                pricing.perChannelPerMonth = price.number("per-channel-month") ?? 0
                price.rejectUnknownKeys()
            }
            var outbound = OutboundPreference()
            if let preference = mapping.optional("outbound")?.mapping("outbound", what: "the outbound preference of trunk '\(entry.name)'") {
                outbound.priority = preference.wholeNumber("priority", minimum: 0) ?? outbound.priority
                outbound.weight = preference.wholeNumber("weight", minimum: 0) ?? outbound.weight
                preference.rejectUnknownKeys()
            }
            var registration: TrunkRegistration?
            if let register = mapping.optional("register")?.mapping("register", what: "the registration of trunk '\(entry.name)'") {
                let registrar = register.text("registrar", required: true)
                let username = secret(register.required("username"), "username")
                let password = secret(register.required("password"), "password")
                let realm = register.text("realm")
                let expires = register.duration("expires") ?? .seconds(3600)
                register.rejectUnknownKeys()
                if let registrar, let username, let password {
                    registration = TrunkRegistration(registrar: registrar, username: username, password: password,
                                                     realm: realm, expires: expires)
                }
            }
            mapping.rejectUnknownKeys()
            trunks.append(Trunk(name: entry.name, allow: allow, registration: registration, proxy: proxy,
                                channels: channels, callsPerSecond: callsPerSecond, pricing: pricing, outbound: outbound,
                                location: entry.key.location))
        }
    }

    // MARK: agents

    func readAgents() {
        var seen: [String: SourceLocation] = [:]
        for value in sections[.agents] ?? [] {
            guard let items = value.list("agents") else { continue }
            for item in items {
                guard let mapping = item.mapping("agents", what: "an agent") else { continue }
                let extensionValue = mapping.required("extension")
                let digits = extensionValue?.text("extension")
                let name = mapping.text("name") ?? digits ?? ""
                let password = secret(mapping.required("password"), "password")
                let skills = mapping.texts("skills") ?? []
                mapping.rejectUnknownKeys()
                guard let extensionValue, let digits, let password else { continue }
                guard PhoneNumberText.isExtension(digits) else {
                    extensionValue.report("extension '\(digits)' should be 3 or 4 digits")
                    continue
                }
                if let first = seen[digits] {
                    extensionValue.report("duplicate extension \(digits) (already at \(first))")
                    continue
                }
                seen[digits] = extensionValue.location
                agents.append(Agent(extension: digits, name: name, password: password, skills: skills,
                                    location: extensionValue.location))
            }
        }
    }

    // MARK: queues

    func readQueues() {
        let extensions = agents.map(\.extension)
        let allSkills = Set(agents.flatMap(\.skills))
        for entry in namedEntries(.queues, what: "queue") {
            let problemsBefore = log.diagnostics.count
            guard let mapping = entry.value.mapping(entry.name, what: "queue '\(entry.name)'") else { continue }
            var strategy = QueueStrategy.longestIdle
            if let value = mapping.optional("strategy"), let text = value.text("strategy") {
                if let parsed = QueueStrategy(rawValue: text) {
                    strategy = parsed
                } else {
                    let names = QueueStrategy.allCases.map(\.rawValue)
                    value.report("unknown strategy '\(text)'\(Suggestions.hint(for: text, in: names)); expected one of \(names.joined(separator: ", "))")
                }
            }
            var members: [String] = []
            if let value = mapping.optional("agents") {
                let items = value.node.sequence.map { $0.map(value.child) } ?? [value]
                for item in items {
                    guard let digits = item.text("agents") else { continue }
                    if extensions.contains(digits) {
                        members.append(digits)
                    } else {
                        reportUnknown("agent", digits, at: item, known: extensions)
                    }
                }
            }
            var skills: [String] = []
            if let value = mapping.optional("skills") {
                let items = value.node.sequence.map { $0.map(value.child) } ?? [value]
                for item in items {
                    guard let skill = item.text("skills") else { continue }
                    skills.append(skill)
                    if !allSkills.contains(skill) {
                        item.report("no agent has skill '\(skill)'\(Suggestions.hint(for: skill, in: allSkills))")
                    }
                }
            }
            let maxWait = mapping.duration("max-wait")
            let maxCallers = mapping.wholeNumber("max-callers", minimum: 1)
            let ringTimeout = mapping.duration("ring-timeout") ?? .seconds(15)
            let wrapUp = mapping.duration("wrap-up") ?? .seconds(5)
            let hold = mapping.optional("hold-prompt").flatMap { promptReference($0, key: "hold-prompt") }
            mapping.rejectUnknownKeys()
            let queue = Queue(name: entry.name, strategy: strategy, agents: members, skills: skills, maxWait: maxWait,
                              maxCallers: maxCallers, ringTimeout: ringTimeout, wrapUp: wrapUp, holdPrompt: hold,
                              location: entry.key.location)
            if queue.members(from: agents).isEmpty, log.diagnostics.count == problemsBefore {
                if skills.count > 1 {
                    entry.key.report("no agent has all the skills of queue '\(entry.name)': \(skills.joined(separator: ", "))")
                } else {
                    entry.key.report("queue '\(entry.name)' has no agents: list 'agents' or 'skills'")
                }
            }
            queues.append(queue)
        }
    }
}

/// Checks on phone numbers and extensions as written in the configuration.
enum PhoneNumberText {
    /// Digits, optionally after a leading `+`; 3 to 20 digits.
    static func isNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return (1...20).contains(digits.count) && digits.allSatisfy(\.isDecimalDigitASCII)
    }

    /// 3 or 4 digits.
    static func isExtension(_ text: String) -> Bool {
        (3...4).contains(text.count) && text.allSatisfy(\.isDecimalDigitASCII)
    }
}
