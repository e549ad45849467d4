import CUchardet
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Naming and reading the character sets of files other programs write. Detection is uchardet's (Debian's
/// libuchardet, what Mozilla's universal charset detector became) and conversion glibc's iconv: both are
/// well kept and know far more sets than a hand-written table would.
public enum Charset {
    /// uchardet's name for the set `bytes` are written in ("SHIFT_JIS", "WINDOWS-1251", "UHC"…), `nil` when it
    /// cannot tell or the bytes are ASCII. Only the first 256 KB are looked at: far more than it needs.
    public static func detect(_ bytes: some Collection<UInt8>) -> String? {
        guard let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let sample = Array(bytes.prefix(256 * 1024))
        let accepted = sample.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { uchardet_handle_data(detector, $0.baseAddress, $0.count) }
        }
        guard accepted == 0 else { return nil }
        uchardet_data_end(detector)
        guard let name = uchardet_get_charset(detector).map({ String(cString: $0) }),
            !name.isEmpty, name != "ASCII"
        else { return nil }
        return name.uppercased()
    }

    /// The text of `bytes` read in the set iconv calls `name`, as UTF-8 bytes; `nil` when iconv does not know the
    /// set. A sequence the set does not define becomes U+FFFD and reading goes on with the next byte.
    public static func utf8(_ bytes: some Collection<UInt8>, from name: String) -> [UInt8]? {
        let converter = iconv_open("UTF-8", name)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: max(64, input.count * 4))
        var written = 0
        input.withUnsafeMutableBufferPointer { inputBuffer in
            var inputPointer = inputBuffer.baseAddress.map {
                UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self)
            }
            var inputLeft = inputBuffer.count
            while inputLeft > 0 {
                if output.count - written < 16 { output += [UInt8](repeating: 0, count: output.count) }
                let result = output.withUnsafeMutableBufferPointer { outputBuffer in
                    var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(
                        outputBuffer.baseAddress! + written
                    ).assumingMemoryBound(to: CChar.self)
                    var outputLeft = outputBuffer.count - written
                    let result = iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    written = outputBuffer.count - outputLeft
                    return result
                }
                guard result == -1 else { continue }
                switch errno {
                case E2BIG:
                    output += [UInt8](repeating: 0, count: output.count)
                case EILSEQ, EINVAL:
                    // Not a character of the set (or cut at the end of the file): one replacement character.
                    if output.count - written < 3 { output += [UInt8](repeating: 0, count: output.count) }
                    output.replaceSubrange(written..<(written + 3), with: [0xEF, 0xBF, 0xBD])
                    written += 3
                    inputPointer = inputPointer.map { $0 + 1 }
                    inputLeft -= 1
                    iconv(converter, nil, nil, nil, nil)
                default:
                    inputLeft = 0
                }
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// Whether iconv reads the set called `name`.
    public static func isKnown(_ name: String) -> Bool {
        let converter = iconv_open("UTF-8", name)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return false }
        iconv_close(converter)
        return true
    }
}
