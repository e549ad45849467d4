import Testing

@testable import App

@Suite("Word beginnings as index ranges")
struct KeypadSearchTests {
    @Test("the end of a prefix's range is the next prefix; digits order before letters; nothing follows z…z")
    func prefixEnd() {
        #expect(ContactSearch.prefixEnd("jo") == "jp")
        #expect(ContactSearch.prefixEnd("az") == "b")
        #expect(ContactSearch.prefixEnd("j9") == "ja")
        #expect(ContactSearch.prefixEnd("99") == "9a")
        #expect(ContactSearch.prefixEnd("3") == "4")
        #expect(ContactSearch.prefixEnd("zz") == nil)
    }
}
