import SwitchboardCore
import Testing

@Suite("Secrets in URLs on their way to logs")
struct SecretRedactionTests {
    @Test("user information of every URL is hidden, the rest kept")
    func redaction() {
        #expect(
            SecretRedaction.redacted("Kamailio at http://rpc:s3cret@10.0.0.5:5060/RPC could not be reached")
                == "Kamailio at http://***@10.0.0.5:5060/RPC could not be reached")
        #expect(
            SecretRedaction.redacted("url=https://ada:p@ss@cloud.example.com/dav auth=basic, then https://x.example/")
                == "url=https://***@cloud.example.com/dav auth=basic, then https://x.example/")
        #expect(
            SecretRedaction.redacted("postgres://u:pw@db/x?sslmode=disable") == "postgres://***@db/x?sslmode=disable")
        #expect(
            SecretRedaction.redacted("mailto-like a@b and https://host/path@x")
                == "mailto-like a@b and https://host/path@x")
        #expect(SecretRedaction.redacted("no url here") == "no url here")
        #expect(SecretRedaction.redacted("trailing ://") == "trailing ://")
    }
}
