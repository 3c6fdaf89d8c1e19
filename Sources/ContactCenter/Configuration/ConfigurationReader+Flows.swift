import Foundation

extension ConfigurationReader {
    /// A step-name reference to check once the whole flow is read.
    struct StepReference {
        let name: String
        let value: YAMLValue
    }

    /// Reads one flow step by step; step references are checked once every step name is known.
    final class FlowContext {
        let name: String
        var references: [StepReference] = []
        init(name: String) { self.name = name }

        func step(_ value: YAMLValue?, _ key: String) -> String? {
            guard let value, let name = value.text(key) else { return nil }
            references.append(StepReference(name: name, value: value))
            return name
        }
    }

    func readFlows() -> [Flow] {
        var flows: [Flow] = []
        var checkedFlows: [String] = []
        for entry in namedEntries(.flows, what: "flow") {
            guard let items = entry.value.list(entry.name) else { continue }
            let context = FlowContext(name: entry.name)
            var steps: [FlowStep] = []
            var stepNames: [String: SourceLocation] = [:]
            var complete = true
            for item in items {
                // A step whose verb is broken still has its name, so branches to it are not reported too.
                let name = item.node.mapping?["name"]?.scalar?.string
                if let name {
                    if let first = stepNames[name] {
                        item.report("step '\(name)' is already defined at \(first)")
                        complete = false
                        continue
                    }
                    stepNames[name] = item.location
                }
                guard let step = readStep(item, context: context) else {
                    complete = false
                    continue
                }
                steps.append(step)
            }
            if items.isEmpty { entry.value.report("flow '\(entry.name)' has no steps") }
            for reference in context.references where stepNames[reference.name] == nil {
                reportUnknown("step", reference.name, at: reference.value, known: stepNames.keys)
            }
            let flow = Flow(name: entry.name, steps: steps, location: entry.key.location)
            // Only a flow whose steps all read and whose references all resolve has a meaningful reachability.
            if complete, context.references.allSatisfy({ stepNames[$0.name] != nil }) { checkedFlows.append(flow.name) }
            flows.append(flow)
        }
        // Steps other flows jump to are entry points too.
        var entries: [String: [String]] = [:]
        for flow in flows {
            for step in flow.steps {
                if case .goto(.flow(let target, let name?)) = step.action { entries[target, default: []].append(name) }
            }
        }
        for flow in flows where checkedFlows.contains(flow.name) {
            for index in flow.unreachableSteps(entries: entries[flow.name] ?? []) {
                let step = flow.steps[index]
                log.report(step.location, "step \(step.label(index: index)) of flow '\(flow.name)' is unreachable")
            }
        }
        return flows
    }

    private func readStep(_ item: YAMLValue, context: FlowContext) -> FlowStep? {
        if item.node.scalar?.string == "hangup", !item.isNull {
            return FlowStep(action: .hangup, location: item.location)
        }
        guard item.node.mapping != nil else {
            item.report("a step should be a mapping with a verb (\(FlowAction.verbs.joined(separator: ", "))), not \(item.shape)")
            return nil
        }
        let mapping = YAMLMapping(item, what: "a step")
        let name = mapping.text("name")
        let next = context.step(mapping.optional("next"), "next")
        let verbs = FlowAction.verbs.filter(mapping.has)
        mapping.allow(contentsOf: FlowAction.verbs)
        mapping.rejectUnknownKeys()
        guard verbs.count == 1, let verb = verbs.first else {
            if verbs.isEmpty {
                mapping.value.report("step\(name.map { " '\($0)'" } ?? "") has no verb: expected one of \(FlowAction.verbs.joined(separator: ", "))")
            } else {
                mapping.value.report("step\(name.map { " '\($0)'" } ?? "") has more than one verb: \(verbs.joined(separator: ", "))")
            }
            return nil
        }
        let value = mapping.optional(verb)
        guard let action = readAction(verb, value, at: mapping.location(of: verb), in: mapping, context: context) else { return nil }
        if next != nil, !action.continues {
            mapping.value.report("'next' has no effect on a '\(verb)' step, which does not continue")
        }
        return FlowStep(name: name, action: action, next: next, location: mapping.location)
    }

    private func readAction(_ verb: String, _ value: YAMLValue?, at location: SourceLocation, in step: YAMLMapping,
                            context: FlowContext) -> FlowAction? {
        func needsValue() -> FlowAction? {
            log.report(location, "'\(verb)' needs a value")
            return nil
        }
        switch verb {
        case "hangup":
            if let value, !(value.node.mapping?.isEmpty ?? false) {
                value.report("'hangup' takes no value")
            }
            return .hangup
        case "extension":
            if agents.isEmpty, extensionPlan.isEmpty {
                log.report(location, "there are no extensions to dial: define agents or numbers.extensions")
            }
            guard let value else { return .extension(ExtensionAction()) }
            return readExtension(value, context: context).map(FlowAction.extension)
        default:
            guard let value else { return needsValue() }
            switch verb {
            case "play": return readPlay(value).map(FlowAction.play)
            case "gather": return readGather(value, context: context).map(FlowAction.gather)
            case "route": return readRoute(value, context: context).map(FlowAction.route)
            case "schedule": return readSchedule(value, context: context).map(FlowAction.schedule)
            case "webhook": return readWebhook(value, context: context).map(FlowAction.webhook)
            case "queue": return readQueueStep(value, context: context).map(FlowAction.queue)
            case "transfer": return readTransfer(value, context: context).map(FlowAction.transfer)
            case "voicemail": return readVoicemail(value).map(FlowAction.voicemail)
            case "set": return readSet(value).map(FlowAction.set)
            default: return readGoto(value, context: context).map(FlowAction.goto)
            }
        }
    }

    // MARK: Verbs

    private func readPlay(_ value: YAMLValue) -> PlayAction? {
        if value.node.mapping != nil, let mapping = value.mapping("play", what: "'play'"),
           mapping.has("prompt") || !(mapping.has("file") || mapping.has("say")) {
            let prompt = mapping.required("prompt").flatMap { promptReference($0, key: "prompt") }
            let bargeIn = mapping.boolean("barge-in") ?? false
            let early = mapping.boolean("early-media") ?? false
            mapping.rejectUnknownKeys()
            return prompt.map { PlayAction(prompt: $0, bargeIn: bargeIn, earlyMedia: early) }
        }
        return promptReference(value, key: "play").map { PlayAction(prompt: $0) }
    }

    private func readGather(_ value: YAMLValue, context: FlowContext) -> GatherAction? {
        guard let mapping = value.mapping("gather", what: "'gather'") else { return nil }
        var gather = GatherAction()
        gather.prompt = mapping.optional("prompt").flatMap { promptReference($0, key: "prompt") }
        gather.maxDigits = mapping.wholeNumber("max-digits", minimum: 1, maximum: 32) ?? 1
        gather.firstDigitTimeout = mapping.duration("first-digit-timeout") ?? gather.firstDigitTimeout
        gather.interDigitTimeout = mapping.duration("inter-digit-timeout") ?? gather.interDigitTimeout
        if let terminator = mapping.optional("terminator") { gather.terminator = readTerminator(terminator) }
        gather.retries = mapping.wholeNumber("retries", minimum: 0, maximum: 10) ?? gather.retries
        gather.invalidPrompt = mapping.optional("invalid-prompt").flatMap { promptReference($0, key: "invalid-prompt") }
        gather.noInputPrompt = mapping.optional("no-input-prompt").flatMap { promptReference($0, key: "no-input-prompt") }
        if let choices = mapping.optional("choices")?.mapping("choices", what: "'choices'") {
            choices.allow(contentsOf: choices.keys)
            for entry in choices.entries {
                let digits = entry.key
                if digits.isEmpty || !digits.allSatisfy({ $0.isDecimalDigitASCII || $0 == "*" || $0 == "#" }) {
                    entry.keyValue.report("choice '\(digits)' should be keypad digits (0-9, * or #)")
                } else if digits.count > gather.maxDigits {
                    entry.keyValue.report("choice '\(digits)' is longer than max-digits (\(gather.maxDigits))")
                } else if gather.maxDigits > 1, let terminator = gather.terminator, digits.contains(terminator) {
                    entry.keyValue.report("choice '\(digits)' contains the terminator '\(terminator)', which ends input; set another terminator or none")
                }
                if let step = context.step(entry.value, digits) { gather.choices.append(GatherChoice(digits: digits, step: step)) }
            }
        }
        gather.noInput = context.step(mapping.optional("no-input"), "no-input")
        gather.invalid = context.step(mapping.optional("invalid"), "invalid")
        gather.variable = mapping.text("variable") ?? gather.variable
        mapping.rejectUnknownKeys()
        return gather
    }

    private func readTerminator(_ value: YAMLValue) -> Character? {
        guard let text = value.text("terminator"), text != "none" else { return nil }
        guard text.count == 1, let character = text.first, character.isDecimalDigitASCII || character == "*" || character == "#" else {
            value.report("'terminator' should be one keypad key (\"#\", \"*\" or a digit) or none")
            return nil
        }
        return character
    }

    private func readRoute(_ value: YAMLValue, context: FlowContext) -> RouteAction? {
        guard let items = value.list("route") else { return nil }
        var rules: [RouteRule] = []
        for item in items {
            guard let mapping = item.mapping("route", what: "a route rule") else { continue }
            var conditions: [RouteCondition] = []
            if let prefixes = mapping.texts("caller-prefix") { conditions.append(.callerPrefix(prefixes)) }
            if let pattern = mapping.optional("caller-regex"), let text = pattern.text("caller-regex") {
                do {
                    conditions.append(.callerRegex(try RegexPattern(text)))
                } catch {
                    pattern.report("'\(text)' is not a valid regular expression")
                }
            }
            if let list = mapping.optional("caller-in"), let name = list.text("caller-in") {
                if lists[name] != nil {
                    conditions.append(.callerInList(name))
                } else {
                    reportUnknown("list", name, at: list, known: lists.keys)
                }
            }
            if let domains = mapping.texts("from-domain") { conditions.append(.fromDomain(domains)) }
            if let numbers = mapping.texts("dialled") { conditions.append(.dialled(numbers)) }
            if let prefixes = mapping.texts("dialled-prefix") { conditions.append(.dialledPrefix(prefixes)) }
            let goto = context.step(mapping.required("goto"), "goto")
            let conditionKeys = ["caller-prefix", "caller-regex", "caller-in", "from-domain", "dialled", "dialled-prefix"]
            if !conditionKeys.contains(where: mapping.has) {
                mapping.value.report("route rule has no condition: expected one of \(conditionKeys.joined(separator: ", "))")
            }
            mapping.rejectUnknownKeys()
            if let goto { rules.append(RouteRule(conditions: conditions, goto: goto, location: mapping.location)) }
        }
        return RouteAction(rules: rules)
    }

    private func readSchedule(_ value: YAMLValue, context: FlowContext) -> ScheduleAction? {
        guard let mapping = value.mapping("schedule", what: "'schedule'") else { return nil }
        var hours = BusinessHours(timeZone: hotline.timeZone, weekly: [:])
        if let zone = mapping.optional("time-zone"), let text = zone.text("time-zone") {
            if let parsed = TimeZone(identifier: text) {
                hours.timeZone = parsed
            } else {
                zone.report("unknown time zone '\(text)' (expected a name such as Asia/Shanghai)")
            }
        }
        if let weekly = mapping.required("hours")?.mapping("hours", what: "'hours'") {
            weekly.allow(contentsOf: weekly.keys)
            var given: [Weekday: SourceLocation] = [:]
            for entry in weekly.entries {
                guard let days = Self.weekdays(entry.key) else {
                    entry.keyValue.report("'\(entry.key)' is not a weekday or range of weekdays (mon … sun, e.g. mon-fri, or daily)")
                    continue
                }
                let ranges = readTimeRanges(entry.value)
                for day in days {
                    if let first = given[day] {
                        entry.keyValue.report("hours for \(day.rawValue) are already given at \(first)")
                        break
                    }
                    given[day] = entry.keyValue.location
                    hours.weekly[day] = ranges
                }
            }
        }
        hours.holidays = readDates(mapping.optional("holidays"), key: "holidays")
        hours.workdays = readDates(mapping.optional("workdays"), key: "workdays")
        let closed = context.step(mapping.optional("closed"), "closed")
        let holiday = context.step(mapping.optional("holiday"), "holiday")
        mapping.rejectUnknownKeys()
        return ScheduleAction(hours: hours, closed: closed, holiday: holiday)
    }

    static func weekdays(_ text: String) -> [Weekday]? {
        if text == "daily" { return Weekday.allCases }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = Weekday(rawValue: parts[0]) else { return nil }
        if parts.count == 1 { return [first] }
        guard parts.count == 2, let last = Weekday(rawValue: parts[1]), first <= last else { return nil }
        return Weekday.allCases.filter { first <= $0 && $0 <= last }
    }

    private func readTimeRanges(_ value: YAMLValue) -> [TimeRange] {
        let items = value.node.sequence.map { $0.map(value.child) } ?? [value]
        var ranges: [TimeRange] = []
        for item in items {
            guard let text = item.text("hours") else { continue }
            if text == "closed" { continue }
            if let range = TimeRange(text) {
                ranges.append(range)
            } else {
                item.report("'\(text)' is not a time range such as 09:00-18:00 (HH:MM-HH:MM, end after start, up to 24:00)")
            }
        }
        return ranges
    }

    private func readDates(_ value: YAMLValue?, key: String) -> Set<LocalDate> {
        guard let value, let items = value.list(key) else { return [] }
        var dates: Set<LocalDate> = []
        for item in items {
            guard let text = item.text(key) else { continue }
            if let date = LocalDate(text) {
                dates.insert(date)
            } else {
                item.report("'\(text)' is not a date such as 2025-10-01")
            }
        }
        return dates
    }

    private func readWebhook(_ value: YAMLValue, context: FlowContext) -> WebhookAction? {
        let mapping = value.node.mapping != nil ? value.mapping("webhook", what: "'webhook'") : nil
        let urlValue = mapping == nil ? value : mapping?.required("url")
        var url: String?
        if let urlValue, let text = secret(urlValue, "url") {
            if let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil {
                url = text
            } else {
                urlValue.report("'\(text)' is not an http:// or https:// URL")
            }
        }
        var webhook = WebhookAction(url: url ?? "")
        if let mapping {
            webhook.timeout = mapping.duration("timeout") ?? webhook.timeout
            webhook.retries = mapping.wholeNumber("retries", minimum: 0, maximum: 10) ?? webhook.retries
            if let headers = mapping.optional("headers")?.mapping("headers", what: "'headers'") {
                headers.allow(contentsOf: headers.keys)
                for entry in headers.entries {
                    if let text = secret(entry.value, entry.key) { webhook.headers[entry.key] = text }
                }
            }
            if let choices = mapping.optional("choices") {
                let items = choices.node.sequence.map { $0.map(choices.child) } ?? [choices]
                webhook.answerSteps = items.compactMap { context.step($0, "choices") }
            }
            webhook.fallback = context.step(mapping.optional("fallback"), "fallback")
            mapping.rejectUnknownKeys()
        }
        return url == nil ? nil : webhook
    }

    private func readExtension(_ value: YAMLValue, context: FlowContext) -> ExtensionAction? {
        guard let mapping = value.mapping("extension", what: "'extension'") else { return nil }
        var action = ExtensionAction()
        action.prompt = mapping.optional("prompt").flatMap { promptReference($0, key: "prompt") }
        action.retryPrompt = mapping.optional("retry-prompt").flatMap { promptReference($0, key: "retry-prompt") }
        action.retries = mapping.wholeNumber("retries", minimum: 0, maximum: 10) ?? action.retries
        action.firstDigitTimeout = mapping.duration("first-digit-timeout") ?? action.firstDigitTimeout
        action.interDigitTimeout = mapping.duration("inter-digit-timeout") ?? action.interDigitTimeout
        if let terminator = mapping.optional("terminator") { action.terminator = readTerminator(terminator) }
        action.failed = context.step(mapping.optional("failed"), "failed")
        mapping.rejectUnknownKeys()
        return action
    }

    private func readQueueStep(_ value: YAMLValue, context: FlowContext) -> QueueAction? {
        let mapping = value.node.mapping != nil ? value.mapping("queue", what: "'queue'") : nil
        guard let nameValue = mapping == nil ? value : mapping?.required("name") else {
            mapping?.rejectUnknownKeys()
            return nil
        }
        let announce = mapping?.optional("announce").flatMap { promptReference($0, key: "announce") }
        let overflow = context.step(mapping?.optional("overflow"), "overflow")
        mapping?.rejectUnknownKeys()
        guard let name = nameValue.text("queue") else { return nil }
        guard queues.contains(where: { $0.name == name }) else {
            reportUnknown("queue", name, at: nameValue, known: queueNames)
            return nil
        }
        return QueueAction(queue: name, announce: announce, overflow: overflow)
    }

    private func readTransfer(_ value: YAMLValue, context: FlowContext) -> TransferAction? {
        let mapping = value.node.mapping != nil ? value.mapping("transfer", what: "'transfer'") : nil
        var destination: TransferDestination?
        if let mapping {
            let uri = mapping.optional("to")
            let number = mapping.optional("number")
            let trunkValue = mapping.optional("trunk")
            var trunk: String?
            if let trunkValue, let name = trunkValue.text("trunk") {
                if let found = trunks.first(where: { $0.name == name }) {
                    trunk = name
                    if found.proxy == nil { trunkValue.report("trunk '\(name)' has no 'proxy' to send calls to") }
                } else {
                    reportUnknown("trunk", name, at: trunkValue, known: trunks.map(\.name))
                }
            }
            switch (uri, number) {
            case (let uri?, nil): destination = uri.text("to").flatMap { checkedURI($0, at: uri) }.map(TransferDestination.uri)
            case (nil, let number?):
                if let text = number.text("number") {
                    if PhoneNumberText.isNumber(text) {
                        destination = .number(text, trunk: trunk)
                    } else {
                        number.report("'\(text)' is not a phone number")
                    }
                }
            default: mapping.value.report("'transfer' needs either 'to' (a SIP URI) or 'number' (called out through a trunk)")
            }
            if trunkValue != nil, uri != nil { trunkValue?.report("'trunk' applies to 'number', not to a SIP URI") }
        } else if let text = value.text("transfer") {
            if text.hasPrefix("sip:") || text.hasPrefix("sips:") {
                destination = checkedURI(text, at: value).map(TransferDestination.uri)
            } else if PhoneNumberText.isNumber(text) {
                destination = .number(text, trunk: nil)
            } else {
                value.report("'\(text)' is neither a SIP URI (sip:user@host) nor a phone number")
            }
        }
        var transfer = destination.map { TransferAction(destination: $0) }
        if let mapping {
            let timeout = mapping.duration("timeout")
            let failed = context.step(mapping.optional("failed"), "failed")
            mapping.rejectUnknownKeys()
            transfer?.timeout = timeout ?? .seconds(30)
            transfer?.failed = failed
        }
        if case .number(_, nil) = destination, !trunks.contains(where: { $0.proxy != nil }) {
            value.report("no trunk has a 'proxy' to call out through")
        }
        return transfer
    }

    private func checkedURI(_ text: String, at value: YAMLValue) -> String? {
        let scheme = text.hasPrefix("sips:") ? "sips:" : text.hasPrefix("sip:") ? "sip:" : nil
        guard let scheme, text.count > scheme.count, !text.contains(" ") else {
            value.report("'\(text)' is not a SIP URI (sip:user@host[:port])")
            return nil
        }
        return text
    }

    private func readVoicemail(_ value: YAMLValue) -> VoicemailAction? {
        if value.node.mapping == nil {
            return value.text("voicemail").map { VoicemailAction(mailbox: $0) }
        }
        guard let mapping = value.mapping("voicemail", what: "'voicemail'") else { return nil }
        let mailbox = mapping.text("mailbox", required: true)
        let greeting = mapping.optional("greeting").flatMap { promptReference($0, key: "greeting") }
        let maxLength = mapping.duration("max-length") ?? .seconds(120)
        let beep = mapping.boolean("beep") ?? true
        mapping.rejectUnknownKeys()
        return mailbox.map { VoicemailAction(mailbox: $0, greeting: greeting, maxLength: maxLength, beep: beep) }
    }

    private func readSet(_ value: YAMLValue) -> [VariableAssignment]? {
        guard let mapping = value.mapping("set", what: "'set'") else { return nil }
        mapping.allow(contentsOf: mapping.keys)
        return mapping.entries.compactMap { entry in
            entry.value.text(entry.key).map { VariableAssignment(name: entry.key, value: $0) }
        }
    }

    private func readGoto(_ value: YAMLValue, context: FlowContext) -> GotoAction? {
        if value.node.mapping == nil {
            return context.step(value, "goto").map(GotoAction.step)
        }
        guard let mapping = value.mapping("goto", what: "'goto'") else { return nil }
        let flowValue = mapping.required("flow")
        let step = mapping.text("step")
        mapping.rejectUnknownKeys()
        guard let flowValue, let flow = flowValue.text("flow") else { return nil }
        guard flowNames[flow] != nil else {
            reportUnknown("flow", flow, at: flowValue, known: flowNames.keys)
            return nil
        }
        if let step, !stepExists(step, inFlow: flow) {
            mapping.value.report("flow '\(flow)' has no step '\(step)'")
        }
        return .flow(flow, step: step)
    }

    /// Whether the flow `flow` (maybe not read yet) has a step called `step`.
    private func stepExists(_ step: String, inFlow flow: String) -> Bool {
        for value in sections[.flows] ?? [] {
            guard let mapping = value.node.mapping, let steps = mapping[flow]?.sequence else { continue }
            return steps.contains { $0.mapping?["name"]?.scalar?.string == step }
        }
        return false
    }
}
