/// A `multipart/form-data` body (RFC 7578).
struct MultipartForm: Sendable {
    let boundary: String
    private(set) var body: [UInt8] = []

    init(boundary: String = "hotline-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)) {
        self.boundary = boundary
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(_ name: String, _ value: String) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8)
        body += Array(value.utf8)
        body += Array("\r\n".utf8)
    }

    mutating func addFile(_ name: String, fileName: String, contentType: String, data: [UInt8]) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        body += data
        body += Array("\r\n".utf8)
    }

    /// The body with its closing delimiter.
    func finished() -> [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }
}
