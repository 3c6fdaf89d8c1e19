/// libFuzzer entry: every input must parse or fail cleanly; whatever
/// parses must serialize, parse again, and serialize to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = SIPMessageParser()
    for stream in [false, true] {
        guard let message = try? parser.parse(bytes, fromStream: stream) else { continue }
        let once = message.serialized()
        guard let again = try? parser.parse(once, fromStream: stream) else {
            fatalError("serialized message does not parse: \(String(decoding: once, as: UTF8.self).debugDescription)")
        }
        let twice = again.serialized()
        if once != twice {
            fatalError("serialization is not stable:\n\(String(decoding: once, as: UTF8.self).debugDescription)\n\(String(decoding: twice, as: UTF8.self).debugDescription)")
        }
        // Typed views must not trap either.
        _ = message.via.map(\.description)
        _ = message.contacts.map(\.description)
        _ = message.headers.listValues(.allow)
        _ = message.contentType
    }
    return 0
}
