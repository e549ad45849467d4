import SwitchboardCore
import Testing

@Suite("Query strings")
struct QueryStringTests {
    @Test("names and values, percent escapes, plus as space, UTF-8")
    func decoding() {
        let query = QueryString.parse("callee=201&caller=%2B33%206%2012&origin=internal&name=Zo%C3%A9+Martin")
        #expect(query["callee"] == "201")
        #expect(query["caller"] == "+33 6 12")
        #expect(query["origin"] == "internal")
        #expect(query["name"] == "Zoé Martin")
        #expect(query["missing"] == nil)
    }

    @Test("empty values, bare names, repeated names, odd escapes")
    func edges() {
        let query = QueryString.parse("caller=&flag&number=1&number=2&bad=%G1%&cut=%4&&x%3Dy=z")
        #expect(query["caller"] == "")
        #expect(query["flag"] == "")
        #expect(query["number"] == "1")
        #expect(query["bad"] == "%G1%")
        #expect(query["cut"] == "%4")
        #expect(query["x=y"] == "z")
        #expect(QueryString.parse(nil as String?).isEmpty)
        #expect(QueryString.parse("").isEmpty)
        // Invalid UTF-8 is repaired, never a crash.
        #expect(QueryString.parse("n=%FF")["n"] == "\u{FFFD}")
    }
}
