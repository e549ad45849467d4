import CQRencode
import Foundation
import SwitchboardCore

/// libqrencode behind one function: text in, modules out.
enum QRCodeEncoder {
    /// ECI assignment number of UTF-8 (ISO/IEC 18004 reads byte mode as ISO-8859-1 unless told otherwise).
    private static let utf8Designator: UInt32 = 26

    /// The QR code of `text` in byte mode at error correction level M (about 15 % of the code can be
    /// damaged or covered and it still reads), in the smallest version that holds it; `nil` when the
    /// text is longer than the largest QR code can carry (2 331 bytes at level M).
    ///
    /// Text beyond ASCII is announced as UTF-8 (an ECI header): without it readers guess, and some take
    /// "Émile" for Shift_JIS. Pure ASCII reads the same in every encoding and goes without, for the
    /// oldest readers.
    static func matrix(for text: String) -> QRMatrix? {
        let bytes = Array(text.utf8)
        guard let input = QRinput_new2(0, QR_ECLEVEL_M) else { return nil }
        defer { QRinput_free(input) }
        if bytes.contains(where: { $0 >= 0x80 }) {
            guard QRinput_appendECIheader(input, utf8Designator) == 0 else { return nil }
        }
        guard QRinput_append(input, QR_MODE_8, Int32(bytes.count), bytes) == 0,
            let code = QRcode_encodeInput(input)
        else { return nil }
        defer { QRcode_free(code) }
        let size = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe what the module is for.
        let modules = (0..<(size * size)).map { code.pointee.data[$0] & 1 == 1 }
        return QRMatrix(size: size, modules: modules)
    }

    /// A contact's QR code: the richest of its vCards (see `ContactQRCode`) that fits.
    static func matrix(for contact: Contact) throws(SwitchboardError) -> QRMatrix {
        for text in ContactQRCode.vCards(for: contact) {
            if let matrix = matrix(for: text) { return matrix }
        }
        throw .qrCodeTooLarge
    }
}
