import Testing

@testable import SwitchboardCore

@Suite("Names typed on a keypad")
struct KeypadTests {
    @Test(
        "each letter is on its key (ITU E.161); digits are their own key; a word's keys stop at a character no key has")
    func keys() {
        #expect(Keypad.keys(of: "abcdefghijklmnopqrstuvwxyz") == "22233344455566677778889999")
        #expect(Keypad.keys(of: "john") == "5646")
        #expect(Keypad.keys(of: "r2d2") == "7232")
        #expect(Keypad.keys(of: "jo-ann") == "56")
        #expect(Keypad.word("johnson", startsWith: "5646"))
        #expect(!Keypad.word("jo", startsWith: "5646"))
        #expect(Keypad.characters(of: "7") == ["p", "q", "r", "s", "7"])
        #expect(Keypad.characters(of: "*").isEmpty)
    }
}
