import SwitchboardCore
import Testing

@Suite("Request paths and redirect targets")
struct RequestTargetTests {
    @Test("a canonical path is one the router and every check read alike")
    func canonicalPaths() {
        for path in [
            "/", "/contacts", "/contacts/", "/api/v1/pbx/route", "/contacts/3F2504E0-4F89-11D3-9A0C-0305E82C3301",
            "/directory/abc/yealink.xml", "/a%20b", "/.well-known/carddav", "/x/..y", "/x/y.",
        ] {
            #expect(RequestTarget.verdict(onPath: path[...]) == .canonical, "\(path)")
        }
    }

    @Test("double slashes, dot segments, encoded separators and control characters are refused with their reason")
    func nonCanonicalPaths() {
        let cases: [(String, RequestTarget.PathVerdict)] = [
            ("api/v1", .notAbsolute), ("", .notAbsolute),
            ("/api/v1//pbx/lookup", .emptySegment), ("/api//v1/pbx/route", .emptySegment),
            ("//contacts", .emptySegment),
            ("/api/v1/./pbx/route", .dotSegment), ("/api/v1/../v1/pbx", .dotSegment), ("/api/v1/%2e/pbx", .dotSegment),
            ("/contacts/.", .dotSegment), ("/api/v1%2Fpbx/route", .encodedSeparator),
            ("/api/v1%2fpbx", .encodedSeparator),
            ("/a\\b", .encodedSeparator), ("/a%5Cb", .encodedSeparator), ("/a%00", .controlCharacter),
            ("/x%0d%0aSet-Cookie", .controlCharacter), ("/a\tb", .controlCharacter), ("/a%", .controlCharacter),
            ("/a%zz", .controlCharacter),
        ]
        for (path, verdict) in cases {
            #expect(RequestTarget.verdict(onPath: path[...]) == verdict, "\(path)")
        }
    }

    @Test("a redirect goes only to a path of our own routes")
    func redirectTargets() {
        let roots: Set = ["contacts", "settings", "admin"]
        #expect(RequestTarget.redirect("/contacts?tab=E&name=%C3%A9", roots: roots) == "/contacts?tab=E&name=%C3%A9")
        #expect(RequestTarget.redirect("/", roots: roots) == "/")
        #expect(RequestTarget.redirect("/settings#profile", roots: roots) == "/settings#profile")
        for hostile in [
            nil, "", "//evil.example", "/\\evil.example", "/\t/evil.example", "/x\r\nSet-Cookie: evil=1",
            "https://evil.example/contacts", "evil.example", "/elsewhere", "/%09/host", "/contacts/../x",
            "/contacts?x=\u{7F}", "/contacts?name=é", "/contacts name", "/contacts?q=\"<script>",
            String(repeating: "/contacts", count: 300),
        ] {
            #expect(RequestTarget.redirect(hostile, roots: roots) == nil, "\(String(describing: hostile))")
        }
    }
}
