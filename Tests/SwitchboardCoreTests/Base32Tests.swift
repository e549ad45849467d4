import SwitchboardCore
import Testing

@Suite("Base32 (RFC 4648)")
struct Base32Tests {
    @Test("the RFC's test vectors, both ways; spaces, case and padding ignored when reading")
    func vectors() {
        let cases = [
            "": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB",
            "foobar": "MZXW6YTBOI",
        ]
        for (plain, encoded) in cases {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZXWé") == nil)
    }
}
