import Foundation

extension UUID {
    /// The text SQLiteKit stores a UUID as (`uuidString`: upper-case, hyphenated), written here: Foundation formats it
    /// with `sprintf`, which a bulk insert of 100 000 contacts and their memberships felt.
    var sqliteText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                let digits: StaticString = "0123456789ABCDEF"
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let byte = Int(bytes[index])
                    text[position] = digits.utf8Start[byte >> 4]
                    text[position + 1] = digits.utf8Start[byte & 0x0F]
                    position += 2
                }
                return position
            }
        }
    }
}
