/// Text that may still be bytes of a received message: a parsed value is
/// kept as a range of the buffer and becomes a `String` when read, so a
/// message that is only routed and re-sent never builds it.
struct SIPText: Sendable, Hashable {
    enum Storage: Sendable {
        case bytes([UInt8], Range<Int>)
        case string(String)
    }

    var storage: Storage

    init(_ source: [UInt8], _ range: Range<Int>) { storage = .bytes(source, range) }
    init(_ string: String) { storage = .string(string) }

    var string: String {
        switch storage {
        case .bytes(let source, let range): return String(decoding: source[range], as: UTF8.self)
        case .string(let s): return s
        }
    }

    static func == (a: SIPText, b: SIPText) -> Bool {
        if case .bytes(let x, let r) = a.storage, case .bytes(let y, let q) = b.storage, x[r].elementsEqual(y[q]) { return true }
        return a.string == b.string
    }

    func hash(into h: inout Hasher) { h.combine(string) }
}
