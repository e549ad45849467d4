"""#20: the LDAP directory for desk phones, with the real clients phones' makers document: OpenLDAP's ldapsearch
(ldap-utils) and Python's ldap3. Binds as a published group and as a user, the vendors' name and number filters, size
limit, paging, rights, read-only, malformed input, LDAPS and StartTLS with a test certificate."""
import os
import re
import socket
import subprocess
import time
import urllib.request

import ldap3
import pytest

from conftest import free_port
from telephony import WebSession

ADMIN_PASSWORD = "ldap-admin-password"
GROUP_PASSWORD = "desk-phones-ldap-42"
BASE = "dc=switchboard"


def ldapsearch(server, *arguments, bind=None, password=None, scheme="ldap", port=None, extra_env=None):
    """ldapsearch -LLL against the server; returns (exit code, entries as dicts of lists)."""
    command = ["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", f"{scheme}://127.0.0.1:{port or server.ldap_port}"]
    if bind:
        command += ["-D", bind, "-w", password]
    env = dict(os.environ, **(extra_env or {}))
    result = subprocess.run(command + list(arguments), capture_output=True, text=True, timeout=30, env=env)
    entries = []
    for block in result.stdout.strip().split("\n\n"):
        entry = {}
        for line in block.splitlines():
            if ": " in line and not line.startswith("#"):
                name, value = line.split(": ", 1)
                if name.endswith(":"):  # base64 (non-ASCII)
                    import base64
                    name, value = name[:-1], base64.b64decode(value).decode()
                entry.setdefault(name, []).append(value)
        if entry:
            entries.append(entry)
    return result.returncode, entries, result.stderr


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    from conftest import Server
    folder = tmp_path_factory.mktemp("ldap-tls")
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True)
    port, tls_port = free_port(), free_port()
    server = Server({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD, "SWITCHBOARD_LDAP_PORT": str(port),
                     "SWITCHBOARD_LDAPS_PORT": str(tls_port), "SWITCHBOARD_LDAP_TLS_CERT": str(certificate),
                     "SWITCHBOARD_LDAP_TLS_KEY": str(key)})
    server.ldap_port = port
    server.ldaps_port = tls_port
    server.certificate = certificate
    for group in ("Sales", "Board"):
        server.cli("contact-groups", "create", group)
    sales = os.path.join(server.dir, "sales.csv")
    with open(sales, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.business;phone.mobile;email.business;company;address.business.city\n")
        handle.write("Jean;Dupont;+33 4 78 00 00 02;06 12 34 56 78;jean@example.fr;Acme;Lyon\n")
        handle.write("Zoé;Martin;+49 40 6432131-550;;zoe@example.de;Beta GmbH;Hamburg\n")
        handle.write("Lucie;Nationale;04 78 00 00 07;;;;\n")
        for i in range(60):
            handle.write(f"Person{i:02d};Paging;+33 1 40 00 01 {i:02d};;;;\n")
    server.cli("contacts", "import", sales, "--group", "Sales")
    board = os.path.join(server.dir, "board.csv")
    with open(board, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.business\nVictor;Secret;+33 4 78 99 99 99\n")
    server.cli("contacts", "import", board, "--group", "Board")
    server.create_user("sam", "sam-password-1")
    server.cli("contact-groups", "grant", "sam", "Sales", "--right", "read")
    # Publish Sales on its page, as an administrator does.
    admin = WebSession(server.url, "admin", ADMIN_PASSWORD)
    groups = admin.get("/admin/contact-groups")
    path = re.search(r'href="(/admin/contact-groups/[0-9a-fA-F-]+)"[^>]*>Sales<', groups).group(1)
    page = admin.post(path + "/directory", {"enabled": "yes", "directoryUsername": "phones",
                                             "directoryPassword": GROUP_PASSWORD}, csrf_from=path)
    assert "Directory settings saved." in page or "saved" in page
    server.group_page = admin.get(path)
    yield server
    server.stop()


def names(entries):
    return sorted(entry["cn"][0] for entry in entries if "cn" in entry)


def test_root_dse_and_anonymous_bind(directory):
    code, entries, _ = ldapsearch(directory, "-b", "", "-s", "base", "namingContexts", "supportedControl")
    # ldapsearch binds anonymously first: refused, so nothing is read that way.
    assert code == 48, "an anonymous bind must be refused (inappropriateAuthentication)"
    # ldap3 reads the root DSE without binding.
    connection = ldap3.Connection(ldap3.Server(f"ldap://127.0.0.1:{directory.ldap_port}", get_info=ldap3.NONE))
    connection.open()
    connection.search("", "(objectClass=*)", search_scope=ldap3.BASE, attributes=["namingContexts", "supportedControl"])
    assert connection.entries[0].namingContexts.values == [BASE]
    assert "1.2.840.113556.1.4.319" in connection.entries[0].supportedControl.values
    # Without a bind, a search of the contacts finds nothing.
    assert not connection.search(BASE, "(objectClass=*)", search_scope=ldap3.SUBTREE)
    assert connection.result["result"] == 50
    connection.unbind()


def test_group_bind_name_and_number_searches(directory):
    group = ("cn=sales," + BASE, GROUP_PASSWORD)
    # Yealink's name filter, accent-folded and case-insensitive.
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(cn=*zoe*)(sn=*zoe*))", "cn", "telephoneNumber",
                                  bind=group[0], password=group[1])
    assert code == 0 and names(entries) == ["Zoé Martin"]
    assert entries[0]["telephoneNumber"] == ["+49406432131550"]
    # A phone's reverse lookup with the national number finds +33 4 78 00 00 02, in dialable form.
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(telephoneNumber=*0478000002)(mobile=*0478000002))",
                                  bind=group[0], password=group[1])
    assert code == 0 and names(entries) == ["Jean Dupont"]
    entry = entries[0]
    assert entry["telephoneNumber"] == ["+33478000002"] and entry["mobile"] == ["+33612345678"]
    assert entry["givenName"] == ["Jean"] and entry["sn"] == ["Dupont"] and entry["mail"] == ["jean@example.fr"]
    assert entry["o"] == ["Acme"] and entry["l"] == ["Lyon"]
    assert "inetOrgPerson" in entry["objectClass"]
    # A number stored the national way is found by every form a phone may send (the entry shows +33478000007).
    for query in ("(telephoneNumber=+33478000007)", "(telephoneNumber=33478000007)", "(telephoneNumber=*0478000007)",
                  "(telephoneNumber=*8000007)", "(telephoneNumber=0033478000007)", "(telephoneNumber=+33478000007*)"):
        code, entries, _ = ldapsearch(directory, "-b", BASE, query, "cn", bind=group[0], password=group[1])
        assert code == 0 and names(entries) == ["Lucie Nationale"], query
    # The group sees only its contacts: Victor is on the Board.
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(cn=*victor*)", bind=group[0], password=group[1])
    assert code == 0 and entries == []
    # A wrong password, an unknown group.
    assert ldapsearch(directory, "-b", BASE, "(cn=*)", bind=group[0], password="wrong")[0] == 49
    assert ldapsearch(directory, "-b", BASE, "(cn=*)", bind="cn=nobody," + BASE, password=GROUP_PASSWORD)[0] == 49


def test_size_limit_and_paging(directory):
    group = ("cn=sales," + BASE, GROUP_PASSWORD)
    # Size limit 50, as phones ask: 50 entries and sizeLimitExceeded.
    code, entries, _ = ldapsearch(directory, "-z", "50", "-b", BASE, "(objectClass=inetOrgPerson)", "cn",
                                  bind=group[0], password=group[1])
    assert code == 4 and len(entries) == 50
    # Paged by 20 (RFC 2696): all 62, each once.
    code, entries, _ = ldapsearch(directory, "-E", "pr=20/noprompt", "-b", BASE, "(objectClass=inetOrgPerson)", "cn",
                                  bind=group[0], password=group[1])
    assert code == 0 and len(entries) == 63 and len(set(names(entries))) == 63
    # ldap3's paged search, page size 25.
    connection = ldap3.Connection(f"ldap://127.0.0.1:{directory.ldap_port}", user=group[0], password=group[1],
                                  auto_bind=True)
    found = list(connection.extend.standard.paged_search(BASE, "(sn=paging)", attributes=["cn"], paged_size=25,
                                                         generator=True))
    assert len([item for item in found if item["type"] == "searchResEntry"]) == 60
    connection.unbind()


def test_user_bind_sees_exactly_their_rights(directory):
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(cn=*victor*)(cn=*jean*))", "cn",
                                  bind="uid=sam," + BASE, password="sam-password-1")
    assert code == 0 and names(entries) == ["Jean Dupont"]
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(cn=*victor*)(cn=*jean*))", "cn",
                                  bind="uid=admin," + BASE, password=ADMIN_PASSWORD)
    assert code == 0 and names(entries) == ["Jean Dupont", "Victor Secret"]
    assert ldapsearch(directory, "-b", BASE, "(cn=*)", bind="uid=sam," + BASE, password="wrong")[0] == 49
    # A bound connection loses its reach when the account's password is reset: the next search asks to bind again.
    connection = ldap3.Connection(f"ldap://127.0.0.1:{directory.ldap_port}", user="uid=sam," + BASE,
                                  password="sam-password-1", auto_bind=True)
    assert connection.search(BASE, "(cn=jean*)", attributes=["cn"]) and len(connection.entries) == 1
    directory.cli("user", "reset-password", "sam", "--password", "sam-password-2")
    time.sleep(5.5)  # a connection's reach is checked again every 5 s
    assert not connection.search(BASE, "(cn=jean*)", attributes=["cn"])
    assert connection.result["result"] == 50
    connection.unbind()


def test_read_only_and_malformed_input(directory):
    connection = ldap3.Connection(f"ldap://127.0.0.1:{directory.ldap_port}", user="uid=admin," + BASE,
                                  password=ADMIN_PASSWORD, auto_bind=True)
    assert not connection.add("uid=new,ou=contacts," + BASE, "inetOrgPerson", {"cn": "New", "sn": "New"})
    assert connection.result["result"] == 53
    assert not connection.delete("uid=x,ou=contacts," + BASE)
    assert connection.result["result"] == 53
    connection.unbind()
    # Garbage, a huge length, a truncated message: the connection closes; the server goes on answering.
    for payload in (b"\x00\x01\x02garbage", b"\x30\x84\x7f\xff\xff\xff", b"\x30\x05\x02\x01\x01\x60", b"\x30\x03\x02\x01"):
        with socket.create_connection(("127.0.0.1", directory.ldap_port), timeout=5) as raw:
            raw.sendall(payload)
            if payload == b"\x30\x03\x02\x01":
                raw.shutdown(socket.SHUT_WR)
            try:
                while raw.recv(4096):
                    pass
            except (ConnectionResetError, socket.timeout):
                pass
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(cn=jean dupont)", "cn", bind="cn=sales," + BASE,
                                  password=GROUP_PASSWORD)
    assert code == 0 and names(entries) == ["Jean Dupont"]


def test_ldaps_and_starttls(directory):
    trust = {"LDAPTLS_CACERT": str(directory.certificate)}
    # LDAPS: TLS from the first byte on its own port…
    code, entries, stderr = ldapsearch(directory, "-b", BASE, "(cn=*jean*)", "cn", scheme="ldaps",
                                       port=directory.ldaps_port, bind="cn=sales," + BASE, password=GROUP_PASSWORD,
                                       extra_env=trust)
    assert code == 0 and names(entries) == ["Jean Dupont"], stderr
    # …a certificate the client does not trust is refused by the client…
    code, _, _ = ldapsearch(directory, "-b", BASE, "(cn=*jean*)", scheme="ldaps", port=directory.ldaps_port,
                            bind="cn=sales," + BASE, password=GROUP_PASSWORD,
                            extra_env={"LDAPTLS_CACERT": "/dev/null", "LDAPTLS_REQCERT": "demand"})
    assert code != 0
    # …and StartTLS on the LDAP port (-ZZ: fail unless TLS starts), then the bind and search inside TLS.
    code, entries, stderr = ldapsearch(directory, "-ZZ", "-b", BASE, "(cn=*jean*)", "cn", bind="cn=sales," + BASE,
                                       password=GROUP_PASSWORD, extra_env=trust)
    assert code == 0 and names(entries) == ["Jean Dupont"], stderr
    # A request slipped in clear right behind StartTLS (an attacker in the path) is never answered: the connection
    # closes (without the gate it was answered in clear, or inside the TLS session as if the client had sent it).
    start_tls = bytes.fromhex("301d02010177188016") + b"1.3.6.1.4.1.1466.20037"
    root_dse = bytes.fromhex("302502010263200400" "0a01000a0100020100020100010100" "870b") + b"objectClass" + b"\x30\x00"
    with socket.create_connection(("127.0.0.1", directory.ldap_port), timeout=10) as raw:
        raw.sendall(start_tls + root_dse)
        received = b""
        raw.settimeout(5)
        try:
            while chunk := raw.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        except socket.timeout:
            pytest.fail("the connection stayed open after a request slipped in behind StartTLS")
    assert b"namingContexts" not in received and b"vendorName" not in received
    # ldap3 does the same.
    tls = ldap3.Tls(ca_certs_file=str(directory.certificate), validate=2)
    connection = ldap3.Connection(ldap3.Server(f"ldap://127.0.0.1:{directory.ldap_port}", tls=tls),
                                  user="cn=sales," + BASE, password=GROUP_PASSWORD)
    connection.open()
    assert connection.start_tls() and connection.bind()
    assert connection.search(BASE, "(cn=*jean*)", attributes=["cn"]) and len(connection.entries) == 1
    connection.unbind()


def test_the_group_page_says_what_to_type_into_a_phone(directory):
    page = directory.group_page
    assert 'data-ldap="bind">cn=sales,dc=switchboard<' in page
    assert f'data-ldap="port">{directory.ldap_port}<' in page and f'data-ldap="tls-port">{directory.ldaps_port}<' in page
    assert 'data-ldap="number-filter">(|(telephoneNumber=%)(mobile=%)(homePhone=%))<' in page
    # The filters shown work as a phone fills them in: "%" replaced by what is typed (prefix) or the caller's number.
    name_filter = re.search(r'data-ldap="name-filter">([^<]+)<', page).group(1).replace("%", "du*")
    number_filter = re.search(r'data-ldap="number-filter">([^<]+)<', page).group(1).replace("%", "0478000002")
    for query in (name_filter, number_filter):
        code, entries, _ = ldapsearch(directory, "-b", BASE, query, "cn", bind="cn=sales," + BASE,
                                      password=GROUP_PASSWORD)
        assert code == 0 and names(entries) == ["Jean Dupont"], query


def test_a_change_is_seen_by_the_next_search(directory):
    """Answers are kept until a contact or a membership changes, whoever writes it: here the command line, another
    process on the same database file."""
    group = ("cn=sales," + BASE, GROUP_PASSWORD)
    for _ in range(2):  # the second answer comes from memory
        code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(cn=dara*)(sn=dara*))", "cn", "telephoneNumber",
                                      bind=group[0], password=group[1])
        assert code == 0 and entries == []
    added = os.path.join(directory.dir, "dara.csv")
    with open(added, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.business\nDara;Kept;+33 4 78 55 55 55\n")
    # The second answer came from memory, and /metrics says so.
    with urllib.request.urlopen(directory.url + "/metrics", timeout=10) as response:
        metrics = response.read().decode()
    kept = re.search(r'^switchboard_ldap_answers_total\{source="memory"\} (\d+)', metrics, re.M)
    assert kept and int(kept.group(1)) >= 1, [line for line in metrics.splitlines() if "ldap_answers" in line]
    directory.cli("contacts", "import", added, "--group", "Sales")
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(|(cn=dara*)(sn=dara*))", "cn", "telephoneNumber",
                                  bind=group[0], password=group[1])
    assert code == 0 and names(entries) == ["Dara Kept"] and entries[0]["telephoneNumber"] == ["+33478555555"]


def test_idle_slow_and_many_connections(server_factory):
    port = free_port()
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD, "SWITCHBOARD_LDAP_PORT": str(port),
                             "SWITCHBOARD_LDAP_IDLE_SECONDS": "2"})
    server.ldap_port = port
    # 1 000 connections open and silent: a search on another still answers at once.
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(1000)]
    code, entries, _ = ldapsearch(server, "-b", BASE, "(cn=*)", "cn", bind="uid=admin," + BASE,
                                  password=ADMIN_PASSWORD)
    assert code == 0
    # A slow client sends half a message and stalls; it and the silent ones are closed after the idle time.
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(bytes.fromhex("302e0201016029020103"))
    for connection in [slow] + idle[:50]:
        assert connection.recv(4096) == b"", "an idle connection must be closed"
    # A client trickling a byte every half second (never idle) is closed once its message took the idle time.
    trickle = socket.create_connection(("127.0.0.1", port), timeout=10)
    started = time.monotonic()
    closed = False
    for byte in bytes.fromhex("302e020101602902010304"):
        try:
            trickle.sendall(bytes([byte]))
            time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
    if not closed:
        trickle.settimeout(5)
        closed = trickle.recv(4096) == b""
    assert closed and time.monotonic() - started < 8, "a trickling client must be closed"
    for connection in idle + [slow, trickle]:
        connection.close()
    code, _, _ = ldapsearch(server, "-b", BASE, "(cn=*)", "cn", bind="uid=admin," + BASE, password=ADMIN_PASSWORD)
    assert code == 0


def test_random_and_mutated_messages_over_the_wire(directory):
    """300 connections each send a mutated copy of what ldapsearch sends (a search with a nested filter and the paged
    results control) or random bytes; each is answered or closed, and the server goes on serving."""
    import random
    search = bytes.fromhex(
        "3081ba02010263818f040e64633d737769746368626f6172640a01020a0100020132020100010100a157a41f040f74656c6570686f6e65"
        "4e756d626572300c820a30343738303030303032a41604066d6f62696c65300c820a30343738303030303032a01ca40d0402636e300780"
        "026a6f81016ea20ba30904016f040441636d6530150402636e040f74656c6570686f6e654e756d626572a02330210416312e322e383430"
        "2e3131333535362e312e342e333139040730050201140400")
    rng = random.Random(20)
    for round in range(300):
        if round % 3 == 2:
            data = bytearray(rng.randbytes(rng.randint(1, 200)))
        else:
            # Searches only: a mutated bind would count as a wrong password against this address.
            data = bytearray(search + search if round % 2 else search)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                choice = rng.random()
                if choice < 0.5:
                    data[at] = rng.randrange(256)
                elif choice < 0.75:
                    del data[at]
                else:
                    data.insert(at, rng.randrange(256))
        with socket.create_connection(("127.0.0.1", directory.ldap_port), timeout=10) as raw:
            raw.sendall(bytes(data))
            raw.shutdown(socket.SHUT_WR)
            try:
                while raw.recv(65536):
                    pass
            except ConnectionResetError:
                pass
    code, entries, _ = ldapsearch(directory, "-b", BASE, "(cn=jean*)", "cn", bind="cn=sales," + BASE,
                                  password=GROUP_PASSWORD)
    assert code == 0 and names(entries) == ["Jean Dupont"]
