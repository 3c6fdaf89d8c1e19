/// A multi-pattern matcher that finds every occurrence of every pattern in one left-to-right pass.
///
/// The automaton is compiled to a dense transition table over the alphabet of the patterns
/// (every character that occurs in some pattern), so scanning costs one table look-up per
/// character whatever the number of patterns. Characters outside the alphabet return to the root.
public struct AhoCorasick: Sendable {
    /// One occurrence: which pattern, and the half-open range of positions it covers.
    public struct Match: Sendable, Equatable {
        public var pattern: Int
        public var start: Int
        public var end: Int
    }

    private let bmpSymbol: [UInt16]           // scalar value → symbol, for the Basic Multilingual Plane
    private let astralSymbol: [UInt32: UInt16] // the rest
    private let width: Int                     // alphabet size + 1 (symbol 0 = not in the alphabet)
    private let delta: [Int32]                 // state * width + symbol → next state
    private let outputStart: [Int32]           // state → first index in `outputs`
    private let outputs: [Int32]               // pattern ids, grouped by state
    /// Length of each pattern, in characters.
    public let patternLengths: [Int]

    /// Number of states in the automaton.
    public var stateCount: Int { outputStart.count - 1 }

    /// Builds the automaton. Empty patterns never match. Duplicate patterns both report.
    public init(patterns: [[UInt32]]) {
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        var astral: [UInt32: UInt16] = [:]
        var symbolCount = 0
        func symbol(for value: UInt32, create: Bool) -> Int {
            if value < 0x10000 {
                let existing = Int(bmp[Int(value)])
                if existing != 0 || !create { return existing }
                symbolCount += 1
                bmp[Int(value)] = UInt16(symbolCount)
                return symbolCount
            }
            if let existing = astral[value] { return Int(existing) }
            guard create else { return 0 }
            symbolCount += 1
            astral[value] = UInt16(symbolCount)
            return symbolCount
        }
        // Trie with sparse edges first.
        var edges: [[Int: Int]] = [[:]]
        var terminal: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for value in pattern {
                let s = symbol(for: value, create: true)
                if let next = edges[state][s] {
                    state = next
                } else {
                    edges.append([:])
                    terminal.append([])
                    edges[state][s] = edges.count - 1
                    state = edges.count - 1
                }
            }
            terminal[state].append(Int32(id))
        }
        let width = symbolCount + 1
        let states = edges.count
        var delta = [Int32](repeating: 0, count: states * width)
        var fail = [Int](repeating: 0, count: states)
        var outputLists = terminal
        // Breadth-first: complete the transition function with failure links.
        var queue: [Int] = []
        queue.reserveCapacity(states)
        for (s, next) in edges[0] {
            delta[s] = Int32(next)
            fail[next] = 0
            queue.append(next)
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputLists[state].append(contentsOf: outputLists[fail[state]])
            let base = state * width
            let failBase = fail[state] * width
            for s in 0..<width {
                if let next = edges[state][s] {
                    delta[base + s] = Int32(next)
                    fail[next] = Int(delta[failBase + s])
                    queue.append(next)
                } else {
                    delta[base + s] = delta[failBase + s]
                }
            }
        }
        // Symbol 0 (unknown character) always returns to the root.
        for state in 0..<states { delta[state * width] = 0 }
        var starts: [Int32] = []
        var flat: [Int32] = []
        starts.reserveCapacity(states + 1)
        for list in outputLists {
            starts.append(Int32(flat.count))
            flat.append(contentsOf: list)
        }
        starts.append(Int32(flat.count))
        self.bmpSymbol = bmp
        self.astralSymbol = astral
        self.width = width
        self.delta = delta
        self.outputStart = starts
        self.outputs = flat
        self.patternLengths = patterns.map(\.count)
    }

    /// Calls `body` for every occurrence of every pattern, in order of end position.
    public func scan(_ text: [UInt32], _ body: (Match) -> Void) {
        scanRaw(text) { pattern, end in
            body(Match(pattern: pattern, start: end - patternLengths[pattern], end: end))
        }
    }

    /// All occurrences, in order of end position.
    public func matches(in text: [UInt32]) -> [Match] {
        var result: [Match] = []
        scan(text) { result.append($0) }
        return result
    }

    func scanRaw(_ text: [UInt32], _ body: (Int, Int) -> Void) {
        var state = 0
        bmpSymbol.withUnsafeBufferPointer { bmp in
            delta.withUnsafeBufferPointer { delta in
                outputStart.withUnsafeBufferPointer { starts in
                    outputs.withUnsafeBufferPointer { outputs in
                        for position in 0..<text.count {
                            let value = text[position]
                            let symbol = value < 0x10000 ? Int(bmp[Int(value)]) : Int(astralSymbol[value] ?? 0)
                            state = Int(delta[state * width + symbol])
                            let first = Int(starts[state])
                            let last = Int(starts[state + 1])
                            if first != last {
                                for index in first..<last { body(Int(outputs[index]), position + 1) }
                            }
                        }
                    }
                }
            }
        }
    }
}
