/// The letters on a telephone's keys (ITU E.161): a name typed on a keypad, "5646" for John, as a softphone's dialpad
/// suggests contacts while digits are typed.
public enum Keypad {
    /// What a key stands for in a folded word (`SearchFolding.fold`): its letters, and the digit itself (a word may
    /// hold digits). Keys 0 and 1 carry no letter; `*` and `#` none.
    public static func characters(of key: Character) -> [Character] {
        switch key {
        case "2": ["a", "b", "c", "2"]
        case "3": ["d", "e", "f", "3"]
        case "4": ["g", "h", "i", "4"]
        case "5": ["j", "k", "l", "5"]
        case "6": ["m", "n", "o", "6"]
        case "7": ["p", "q", "r", "s", "7"]
        case "8": ["t", "u", "v", "8"]
        case "9": ["w", "x", "y", "z", "9"]
        case "0", "1": [key]
        default: []
        }
    }

    /// The keys that type a folded word ("john" → "5646"), as far as they can: up to its first character no key carries.
    public static func keys(of word: String) -> String {
        var keys = ""
        for character in word {
            guard let key = key(for: character) else { break }
            keys.append(key)
        }
        return keys
    }

    /// Whether `word` (folded) begins with what `keys` type.
    public static func word(_ word: String, startsWith keys: String) -> Bool {
        Self.keys(of: word).hasPrefix(keys)
    }

    private static func key(for character: Character) -> Character? {
        if character.isASCII, character.isNumber { return character }
        switch character {
        case "a", "b", "c": return "2"
        case "d", "e", "f": return "3"
        case "g", "h", "i": return "4"
        case "j", "k", "l": return "5"
        case "m", "n", "o": return "6"
        case "p", "q", "r", "s": return "7"
        case "t", "u", "v": return "8"
        case "w", "x", "y", "z": return "9"
        default: return nil
        }
    }
}
