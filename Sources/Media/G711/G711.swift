// ITU-T G.711 companding, bit-exact with the reference algorithm of ITU-T G.191
// (Software Tool Library, module g711): 16-bit linear samples are taken as
// left-justified 13-bit (A-law) or 14-bit (µ-law) values, and negative samples
// use the one's complement before companding, exactly as the STL does.

/// ITU-T G.711 µ-law (PCMU, RTP payload type 0).
public enum MuLaw: G711Law {
    /// Encodes one 16-bit linear sample by computation (no table). Used to build
    /// the lookup table; prefer ``encode(_:)`` on hot paths.
    @inlinable
    public static func compress(_ sample: Int16) -> UInt8 {
        let x = Int32(sample)
        var absno = (x < 0 ? (~x) >> 2 : x >> 2) + 33
        if absno > 0x1FFF { absno = 0x1FFF }
        var i = absno >> 6
        var segno: Int32 = 1
        while i != 0 {
            segno += 1
            i >>= 1
        }
        let high = 0x0008 - segno
        let low = 0x000F - ((absno >> segno) & 0x000F)
        var code = (high << 4) | low
        if x >= 0 { code |= 0x80 }
        return UInt8(truncatingIfNeeded: code)
    }

    /// Decodes one µ-law code word by computation (no table).
    @inlinable
    public static func expand(_ code: UInt8) -> Int16 {
        let sign: Int32 = code < 0x80 ? -1 : 1
        let inverted = Int32(~code)
        let exponent = (inverted >> 4) & 0x07
        let mantissa = inverted & 0x0F
        let step: Int32 = 4 << (exponent + 1)
        let magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33
        return Int16(sign * magnitude)
    }

    /// The 256 decoded values, indexed by code word.
    public static let decodeTable: [Int16] = (0...255).map { expand(UInt8($0)) }
    /// The code word for every 16-bit sample, indexed by `UInt16(bitPattern:)`.
    public static let encodeTable: [UInt8] = (0...65535).map { compress(Int16(bitPattern: UInt16($0))) }

    /// The code word for silence (positive zero).
    public static let silence: UInt8 = 0xFF
}

/// ITU-T G.711 A-law (PCMA, RTP payload type 8).
public enum ALaw: G711Law {
    /// Encodes one 16-bit linear sample by computation (no table).
    @inlinable
    public static func compress(_ sample: Int16) -> UInt8 {
        let x = Int32(sample)
        var ix = x < 0 ? (~x) >> 4 : x >> 4
        if ix > 15 {
            var exponent: Int32 = 1
            while ix > 16 + 15 {
                ix >>= 1
                exponent += 1
            }
            ix -= 16
            ix += exponent << 4
        }
        if x >= 0 { ix |= 0x80 }
        return UInt8(truncatingIfNeeded: ix ^ 0x55)
    }

    /// Decodes one A-law code word by computation (no table).
    @inlinable
    public static func expand(_ code: UInt8) -> Int16 {
        let ix = (Int32(code) ^ 0x55) & 0x7F
        let exponent = ix >> 4
        var mantissa = ix & 0x0F
        if exponent > 0 { mantissa += 16 }
        mantissa = (mantissa << 4) + 0x08
        if exponent > 1 { mantissa <<= (exponent - 1) }
        return Int16(code > 127 ? mantissa : -mantissa)
    }

    /// The 256 decoded values, indexed by code word.
    public static let decodeTable: [Int16] = (0...255).map { expand(UInt8($0)) }
    /// The code word for every 16-bit sample, indexed by `UInt16(bitPattern:)`.
    public static let encodeTable: [UInt8] = (0...65535).map { compress(Int16(bitPattern: UInt16($0))) }

    /// The code word for silence (the smallest positive level).
    public static let silence: UInt8 = 0xD5
}

/// A G.711 companding law: its lookup tables, built once from the exact
/// computation, serve the table-driven encode and decode of both laws.
public protocol G711Law {
    /// The 256 decoded values, indexed by code word.
    static var decodeTable: [Int16] { get }
    /// The code word for every 16-bit sample, indexed by `UInt16(bitPattern:)`.
    static var encodeTable: [UInt8] { get }
}

extension G711Law {
    /// Encodes one sample with the lookup table.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        encodeTable.withUnsafeBufferPointer { $0[Int(UInt16(bitPattern: sample))] }
    }

    /// Decodes one code word with the lookup table.
    @inlinable
    public static func decode(_ code: UInt8) -> Int16 {
        decodeTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// Encodes a block of samples.
    public static func encode(_ samples: [Int16]) -> [UInt8] {
        encodeTable.withUnsafeBufferPointer { table in
            samples.map { table[Int(UInt16(bitPattern: $0))] }
        }
    }

    /// Decodes a block of code words.
    public static func decode(_ codes: [UInt8]) -> [Int16] {
        decodeTable.withUnsafeBufferPointer { table in
            codes.map { table[Int($0)] }
        }
    }
}
