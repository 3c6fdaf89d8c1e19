import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address block in CIDR notation (`127.0.0.0/8`, `::1`, `2001:db8::/32`).
/// A bare address is a block of one.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// Network bytes: 4 for IPv4, 16 for IPv6.
    public let network: [UInt8]
    public let prefixLength: Int

    /// Parses CIDR notation; `nil` when the address or the prefix length is not valid.
    public init?(_ text: String) {
        guard let (network, prefix, exact) = IPAddressRange.parse(text), exact else { return nil }
        self.network = network
        self.prefixLength = prefix
    }

    /// For CIDR text with host bits set (`10.0.0.1/8`), the block it lies in (`10.0.0.0/8`).
    public static func networkContaining(_ text: String) -> IPAddressRange? {
        guard let (network, prefix, exact) = parse(text), !exact else { return nil }
        return IPAddressRange(format(network) + "/\(prefix)")
    }

    private static func parse(_ text: String) -> (network: [UInt8], prefix: Int, exact: Bool)? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddressRange.parseAddress(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefix = value
        }
        let network = IPAddressRange.mask(address, prefix)
        // `10.0.0.1/8` names a host inside the block, which is almost always a typo for the block.
        return (network, prefix, network == address)
    }

    /// Whether `text` (an address as read from a socket, with optional brackets or zone) is in this block.
    /// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) match IPv4 blocks.
    public func contains(_ text: String) -> Bool {
        guard var address = IPAddressRange.parseAddress(text) else { return false }
        if address.count == 16, network.count == 4, address[0..<10].allSatisfy({ $0 == 0 }),
           address[10] == 0xff, address[11] == 0xff {
            address = Array(address[12..<16])
        }
        guard address.count == network.count else { return false }
        return IPAddressRange.mask(address, prefixLength) == network
    }

    /// Whether the two blocks share any address (one then contains the other).
    public func overlaps(_ other: IPAddressRange) -> Bool {
        guard network.count == other.network.count else { return false }
        let prefix = min(prefixLength, other.prefixLength)
        return IPAddressRange.mask(network, prefix) == IPAddressRange.mask(other.network, prefix)
    }

    public var description: String {
        let text = IPAddressRange.format(network)
        return prefixLength == network.count * 8 ? text : "\(text)/\(prefixLength)"
    }

    /// The bytes of an IPv4 or IPv6 address, accepting `[::1]` and `fe80::1%eth0`.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            return withUnsafeBytes(of: &storage) { Array($0) }
        }
        // inet_pton accepts only the dotted-quad form, which is what we want.
        var storage = in_addr()
        guard inet_pton(AF_INET, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    private static func mask(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let remaining = prefix - index * 8
            if remaining >= 8 { return byte }
            if remaining <= 0 { return 0 }
            return byte & UInt8(truncatingIfNeeded: 0xff << (8 - remaining))
        }
    }

    private static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        var bytes = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeMutableBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
