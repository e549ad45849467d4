"""The JSON API against its own OpenAPI document, with schemathesis (#16): every operation, generated valid and invalid
requests, stateful sequences following the document's links, every check — as a subscriber, then as an admin.

Passing means: no server error, no response outside the document, no request that breaks the schema accepted, and no
schema-valid request refused as unreadable (a refusal by a rule the schema cannot say is 422 with its code; see
schemathesis.toml). Token revocation is left out: the run would revoke the very token it runs with.
"""

import subprocess
import sys
from pathlib import Path

from telephony import WebSession, api

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).with_name("st")


def schemathesis(base_url, token):
    result = subprocess.run(
        [
            str(ST), "--config-file", str(HERE / "schemathesis.toml"), "--no-color", "run",
            f"{base_url}/api/openapi.yaml", "--url", base_url,
            "-H", f"Authorization: Bearer {token}",
            # One worker: with two, Python 3.11's `ast.parse` (called by hypothesis from two threads) failed once with
            # "AST constructor recursion depth mismatch", a crash of the tool and not of the server.
            "--checks", "all", "--exclude-checks", "ensure_resource_availability", "--max-examples", "25", "--seed", "16", "--workers", "1",
            "--exclude-operation-id", "revokeToken",
        ],
        capture_output=True, text=True, timeout=900,
    )
    return result.returncode, result.stdout + result.stderr


def test_schemathesis_finds_nothing(server):
    server.create_user("sid", "password-123", extension="209")
    admin = WebSession(server.url, "admin", server.generated_admin_password())
    admin_token = admin.create_token("schemathesis-admin")
    subscriber_token = WebSession(server.url, "sid", "password-123").create_token("schemathesis-sid")
    # Something to read and follow links from: a group the subscriber writes, with a contact in it.
    status, group = api(server.url, "POST", "/api/v1/contact-groups", admin_token, {"name": "Team", "kind": "standard"})
    assert status == 201, group
    users = api(server.url, "GET", "/api/v1/users", admin_token)[1]["items"]
    sid = next(user for user in users if user["username"] == "sid")
    status, _ = api(
        server.url, "PUT", f"/api/v1/contact-groups/{group['id']}/rights", admin_token,
        {"items": [{"userId": sid["id"], "right": "write", "standard": True}]},
    )
    assert status in (200, 204)
    status, _ = api(
        server.url, "POST", "/api/v1/contacts", admin_token,
        {"firstName": "Zoé", "lastName": "Martin", "phones": [{"type": "mobile", "number": "+33 6 12 34 56 78"}],
         "groupIds": [group["id"]]},
    )
    assert status == 201

    # The subscriber first: the admin's run may delete their account.
    for who, token in (("subscriber", subscriber_token), ("admin", admin_token)):
        code, output = schemathesis(server.url, token)
        assert code == 0, f"schemathesis as {who}:\n{output[-12000:]}"
        assert "generated" in output, output[-3000:]
