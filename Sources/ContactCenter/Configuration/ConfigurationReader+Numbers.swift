extension ConfigurationReader {
    /// What a number-plan list holds, for messages and checks.
    private enum PlanPart: String {
        case inbound, extensions, virtual

        var numberKey: String { self == .extensions ? "extension" : "number" }
        var numbersKey: String { self == .extensions ? "extensions" : "numbers" }
        var noun: String { self == .extensions ? "extension" : "number" }
    }

    func collectFlowNames() {
        for value in sections[.flows] ?? [] {
            guard let mapping = value.node.mapping else { continue }
            for (key, _) in mapping {
                guard let name = key.scalar?.string, flowNames[name] == nil else { continue }
                flowNames[name] = value.child(key).location
            }
        }
    }

    func readNumbers() -> NumberPlan {
        var plan = NumberPlan()
        var seenParts: [PlanPart: SourceLocation] = [:]
        for value in sections[.numbers] ?? [] {
            guard let mapping = value.mapping("numbers", what: "'numbers'") else { continue }
            for part in [PlanPart.inbound, .extensions, .virtual] {
                guard let list = mapping.optional(part.rawValue) else { continue }
                seenParts[part] = seenParts[part] ?? list.location
                guard let items = list.list(part.rawValue) else { continue }
                let mappings = items.compactMap { readMapping($0, part: part) }
                if part == .inbound { inboundNumbers += items.compactMap(rawNumbers) }
                switch part {
                case .inbound: plan.inbound += mappings
                case .extensions: plan.extensions += mappings
                case .virtual: plan.virtual += mappings
                }
            }
            mapping.rejectUnknownKeys()
        }
        extensionPlan = plan.extensions
        let lengths = Set(agents.map(\.extension.count) + plan.extensions.compactMap { mapping -> Int? in
            switch mapping.numbers {
            case .list(let numbers): return numbers.first?.count
            case .range(let from, _): return from.count
            }
        })
        for mapping in plan.virtual {
            if case .extensionFromLastDigits(let count) = mapping.target, !lengths.contains(count) {
                log.report(mapping.location, "no extension has \(count) digits, so these numbers lead nowhere")
            }
        }
        checkOverlaps(plan.inbound + plan.virtual, noun: "number", agents: [])
        checkOverlaps(plan.extensions, noun: "extension", agents: agents)
        return plan
    }

    private func readMapping(_ item: YAMLValue, part: PlanPart) -> NumberMapping? {
        guard let mapping = item.mapping(part.rawValue, what: "an entry of numbers.\(part.rawValue)") else { return nil }
        let single = mapping.optional(part.numberKey)
        let many = mapping.optional(part.numbersKey)
        let from = mapping.optional("from")
        let to = mapping.optional("to")
        let numbers: NumberSet?
        switch (single, many, from, to) {
        case (let single?, nil, nil, nil):
            numbers = single.text(part.numberKey).flatMap { checkedNumber($0, at: single, part: part) }.map { .list([$0]) }
        case (nil, let many?, nil, nil):
            let entries = many.list(part.numbersKey)?.compactMap { entry in
                entry.text(part.numbersKey).flatMap { checkedNumber($0, at: entry, part: part) }
            }
            numbers = entries.map { NumberSet.list($0) }
        case (nil, nil, let from?, let to?):
            numbers = checkedRange(from: from, to: to, part: part)
        case (nil, nil, .some, nil), (nil, nil, nil, .some):
            item.report("a number range needs both 'from' and 'to'")
            numbers = nil
        default:
            item.report("expected one of '\(part.numberKey)', '\(part.numbersKey)' or 'from'/'to' in an entry of numbers.\(part.rawValue)")
            numbers = nil
        }
        let target = readTarget(mapping, part: part)
        mapping.rejectUnknownKeys()
        guard let numbers, let target else { return nil }
        return NumberMapping(numbers: numbers, target: target, location: mapping.location)
    }

    /// The numbers an inbound entry names, whatever else is wrong with it.
    private func rawNumbers(_ item: YAMLValue) -> NumberSet? {
        guard let mapping = item.node.mapping else { return nil }
        if let number = mapping["number"]?.scalar?.string { return .list([number]) }
        if let numbers = mapping["numbers"]?.sequence { return .list(numbers.compactMap { $0.scalar?.string }) }
        if let from = mapping["from"]?.scalar?.string, let to = mapping["to"]?.scalar?.string { return .range(from: from, to: to) }
        return nil
    }

    private func checkedNumber(_ text: String, at value: YAMLValue, part: PlanPart) -> String? {
        if part == .extensions {
            guard PhoneNumberText.isExtension(text) else {
                value.report("extension '\(text)' should be 3 or 4 digits")
                return nil
            }
        } else if !PhoneNumberText.isNumber(text) {
            value.report("'\(text)' is not a phone number (digits, optionally after +)")
            return nil
        }
        return text
    }

    private func checkedRange(from: YAMLValue, to: YAMLValue, part: PlanPart) -> NumberSet? {
        guard let low = from.text("from").flatMap({ checkedNumber($0, at: from, part: part) }),
              let high = to.text("to").flatMap({ checkedNumber($0, at: to, part: part) }) else { return nil }
        guard !low.hasPrefix("+"), !high.hasPrefix("+") else {
            from.report("a number range is written in digits only")
            return nil
        }
        guard low.count == high.count else {
            to.report("'from' and 'to' should have the same number of digits (\(low) has \(low.count), \(high) has \(high.count))")
            return nil
        }
        guard low <= high else {
            to.report("'to' (\(high)) is below 'from' (\(low))")
            return nil
        }
        return .range(from: low, to: high)
    }

    private func readTarget(_ mapping: YAMLMapping, part: PlanPart) -> NumberTarget? {
        var keys = ["flow", "queue", "agent"]
        if part == .virtual { keys.append("extension-digits") }
        let present = keys.compactMap { key in mapping.optional(key).map { (key, $0) } }
        guard present.count == 1, let (key, value) = present.first else {
            let list = keys.map { "'\($0)'" }.joined(separator: ", ")
            mapping.value.report(present.isEmpty ? "missing where the \(part.noun) leads: one of \(list)"
                                                 : "expected only one of \(list)")
            return nil
        }
        switch key {
        case "extension-digits":
            return value.wholeNumber(key, minimum: 3, maximum: 4).map { .extensionFromLastDigits($0) }
        case "flow":
            guard let name = value.text(key) else { return nil }
            guard flowNames[name] != nil else { reportUnknown("flow", name, at: value, known: flowNames.keys); return nil }
            return .flow(name)
        case "queue":
            guard let name = value.text(key) else { return nil }
            guard queues.contains(where: { $0.name == name }) else {
                reportUnknown("queue", name, at: value, known: queueNames)
                return nil
            }
            return .queue(name)
        default:
            guard let digits = value.text(key) else { return nil }
            guard agents.contains(where: { $0.extension == digits }) else {
                reportUnknown("agent", digits, at: value, known: agents.map(\.extension))
                return nil
            }
            return .agent(digits)
        }
    }

    var queueNames: [String] {
        (namedEntriesNames(.queues))
    }

    private func namedEntriesNames(_ section: ConfigurationSection) -> [String] {
        (sections[section] ?? []).flatMap { value in
            value.node.mapping.map { $0.compactMap { $0.key.scalar?.string } } ?? []
        }
    }

    /// Reports every mapping that claims a number already claimed (agents' own extensions included).
    /// Single numbers are kept in a dictionary, so thousands of listed DIDs check in linear time.
    private func checkOverlaps(_ mappings: [NumberMapping], noun: String, agents: [Agent]) {
        struct Claim {
            let set: NumberSet
            let location: SourceLocation
            let owner: String?
            var place: String { owner.map { "\($0) at \(location)" } ?? "already mapped at \(location)" }
        }
        var singles: [String: Claim] = [:]
        var ranges: [Claim] = []
        for agent in agents {
            singles[agent.extension] = Claim(set: .list([agent.extension]), location: agent.location, owner: "agent \(agent.extension)")
        }
        for mapping in mappings {
            let claim = Claim(set: mapping.numbers, location: mapping.location, owner: nil)
            var conflict: String?
            switch mapping.numbers {
            case .list(let numbers):
                for number in numbers {
                    if conflict == nil, let other = singles[number] {
                        conflict = "duplicate \(noun) \(number) (\(other.place))"
                    } else if conflict == nil, let other = ranges.first(where: { $0.set.contains(number) }) {
                        conflict = "\(noun) \(number) is inside \(other.set) (at \(other.location))"
                    }
                    if singles[number] == nil { singles[number] = claim }
                }
            case .range:
                if let (shared, other) = ranges.lazy.compactMap({ other in mapping.numbers.firstOverlap(with: other.set).map { ($0, other) } }).first {
                    conflict = "\(noun)s \(mapping.numbers) overlap \(other.set) (at \(other.location)): both include \(shared)"
                } else if let number = singles.keys.filter(mapping.numbers.contains).min(), let other = singles[number] {
                    conflict = "\(noun)s \(mapping.numbers) include \(number) (\(other.place))"
                }
                ranges.append(claim)
            }
            if let conflict { log.report(mapping.location, conflict) }
        }
    }

    func checkHotlineNumbers(_ settings: HotlineSettings, numbers: NumberPlan) {
        guard let value = single(.hotline)?.node.mapping?["numbers"] else { return }
        let nodes = value.sequence.map(Array.init) ?? [value]
        for node in nodes {
            guard let number = node.scalar?.string, settings.numbers.contains(number) else { continue }
            if !inboundNumbers.contains(where: { $0.contains(number) }) {
                let location = SourceLocation(file: single(.hotline)!.file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
                log.report(location, "95 number \(number) has no entry in numbers.inbound")
            }
        }
    }
}
