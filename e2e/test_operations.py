"""Running it for real: two instances on one PostgreSQL behind nginx with TLS (the site file of deploy/nginx), and
backups taken while contacts are being written, restored and compared table by table (SQLite and PostgreSQL)."""
import collections
import glob
import http.client
import json
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import ROOT, Server, free_port
from telephony import WebSession, api

ADMIN_PASSWORD = "operations-admin-1"


class Postgres:
    """A private PostgreSQL cluster on 127.0.0.1 (as scripts/with-postgres.sh starts one)."""

    def __init__(self):
        self.bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))[-1]
        self.dir = tempfile.mkdtemp(prefix="switchboard-pg-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.prefix = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        subprocess.run(self.prefix + [f"{self.bindir}/initdb", "-D", f"{self.dir}/data", "-U", "postgres", "-A",
                                      "trust", "--no-sync"], check=True, capture_output=True)
        subprocess.run(self.prefix + [f"{self.bindir}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log",
                                      "-o", f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F -c max_connections=200",
                                      "-w", "start"], check=True, capture_output=True)
        self.psql("postgres", "CREATE USER switchboard PASSWORD 'switchboard' CREATEDB")

    def psql(self, database, command):
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-At", "-v",
             "ON_ERROR_STOP=1", "-c", command], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_database(self, name):
        self.psql("postgres", f"CREATE DATABASE {name} OWNER switchboard")
        return f"postgres://switchboard:switchboard@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def stop(self):
        subprocess.run(self.prefix + [f"{self.bindir}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def certificate(folder):
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


class Nginx:
    """nginx with deploy/nginx/switchboard.conf, only its ports and paths replaced."""

    def __init__(self, upstream_ports):
        self.dir = tempfile.mkdtemp(prefix="switchboard-nginx-")
        os.chmod(self.dir, 0o755)
        self.cert, key = certificate(self.dir)
        self.http_port, self.https_port = free_port(), free_port()
        site = (ROOT / "deploy" / "nginx" / "switchboard.conf").read_text()
        replacements = [
            ("server 127.0.0.1:8080", f"server 127.0.0.1:{upstream_ports[0]}"),
            ("server 127.0.0.1:8081", f"server 127.0.0.1:{upstream_ports[1]}"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("/etc/ssl/switchboard/fullchain.pem", str(self.cert)),
            ("/etc/ssl/switchboard/privkey.pem", str(key)),
            ("/opt/switchboard/Public", str(ROOT / "Public")),
        ]
        for old, new in replacements:
            assert old in site, f"deploy/nginx/switchboard.conf no longer has {old!r}"
            site = site.replace(old, new)
        site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
        Path(self.dir, "site.conf").write_text(site)
        temp = " ".join(f"{kind}_temp_path {self.dir}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
        Path(self.dir, "nginx.conf").write_text(f"""
user root;
daemon off;
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    log_format upstream '$remote_addr $upstream_addr $status "$request"';
    access_log {self.dir}/access.log upstream;
    {temp}
    include {self.dir}/site.conf;
}}
""")
        self.process = subprocess.Popen(["nginx", "-p", self.dir, "-c", f"{self.dir}/nginx.conf"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                Client(self.https_port, self.cert).request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(Path(self.dir, "error.log").read_text())

    def access_log(self):
        return Path(self.dir, "access.log").read_text()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Client:
    """An HTTPS client from its own loopback address (nginx sees it, not 127.0.0.1), keeping cookies."""

    def __init__(self, port, cafile, source="127.0.0.1"):
        self.port, self.source = port, source
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60,
                                                 source_address=(self.source, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, response.headers, text

    def form(self, path, fields, csrf_from):
        _, _, page = self.request("GET", csrf_from)
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"_csrf": token, **fields})
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def api(self, method, path, token, body=None):
        status, _, text = self.request(method, path, json.dumps(body) if body is not None else None,
                                       {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)


@pytest.fixture(scope="module")
def postgres():
    cluster = Postgres()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def pair(postgres):
    """Two instances on one PostgreSQL database, behind nginx."""
    url = postgres.create_database("pair")
    environment = {"DATABASE_URL": url, "SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD,
                   "SWITCHBOARD_TRUSTED_PROXIES": "127.0.0.1", "SWITCHBOARD_LOGIN_MAX_FAILURES_PER_ADDRESS": "4"}
    first = Server(environment)
    second = Server(environment)
    proxy = Nginx([first.port, second.port])
    yield {"first": first, "second": second, "nginx": proxy, "postgres": postgres, "database": "pair"}
    proxy.stop()
    for server in (first, second):
        server.stop()


def test_a_browser_session_and_an_api_client_through_nginx_alternate_between_instances(pair):
    proxy = pair["nginx"]
    # A real browser over HTTPS (the test certificate is not one it trusts).
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                     "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        base = f"https://127.0.0.1:{proxy.https_port}"
        driver.get(base + "/sign-in")
        driver.find_element(By.ID, "username").send_keys("admin")
        driver.find_element(By.ID, "password").send_keys(ADMIN_PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        time.sleep(0.5)
        for path in ["/contacts", "/settings", "/dialpad", "/contact-groups", "/contacts", "/settings"] * 2:
            driver.get(base + path)
            assert "/sign-in" not in driver.current_url, path
            assert driver.find_element(By.CSS_SELECTOR, "[data-testid=sign-out]")
        cookie = driver.get_cookie("switchboard_session")
        assert cookie and cookie["secure"] and cookie["httpOnly"]
    finally:
        driver.quit()

    # An API client and a form-posting session from another address, over HTTPS.
    client = Client(proxy.https_port, proxy.cert, source="127.0.0.2")
    status, headers, _ = client.request("GET", "/sign-in")
    assert status == 200 and "max-age" in (headers.get("Strict-Transport-Security") or "")
    status, _, _ = client.form("/sign-in", {"username": "admin", "password": ADMIN_PASSWORD, "next": "/"}, "/sign-in")
    assert status == 303
    _, _, page = client.form("/settings/tokens", {"name": "behind-nginx"}, "/settings")
    token = re.search(r'data-testid="token-secret">([^<]+)<', page).group(1)
    for index in range(12):
        status, body = client.api("POST", "/api/v1/contacts", token,
                                  {"firstName": "Proxy", "lastName": f"Person {index:02}",
                                   "phones": [{"type": "business", "number": f"+33 4 78 00 10 {index:02}"}]})
        assert status == 201, body
        status, _, page = client.request("GET", "/contacts?name=proxy")
        assert status == 200 and f"Person {index:02}" in page
    status, body = client.api("GET", "/api/v1/contacts?name=proxy&limit=50", token)
    assert status == 200 and len(body["items"]) == 12

    # Both instances served this client and the browser; the audit log has the client's address, not nginx's.
    log = proxy.access_log()
    for address in ("127.0.0.1", "127.0.0.2"):
        upstreams = {line.split()[1] for line in log.splitlines() if line.startswith(address + " ")}
        assert {f"127.0.0.1:{pair['first'].port}", f"127.0.0.1:{pair['second'].port}"} <= upstreams, upstreams
    addresses = pair["postgres"].psql(
        pair["database"], "SELECT DISTINCT client_address FROM audit_events WHERE action = 'sign_in.success'")
    assert set(addresses.split()) == {"127.0.0.1", "127.0.0.2"}


def test_sign_in_throttling_is_shared_by_the_instances(pair):
    proxy = pair["nginx"]
    guesser = Client(proxy.https_port, proxy.cert, source="127.0.0.3")
    statuses = [guesser.form("/sign-in", {"username": f"user{index}", "password": "wrong-password-1"},
                             "/sign-in")[0] for index in range(6)]
    # Four wrong passwords from this address in all (they went to both instances), then it must wait.
    assert statuses[:4] == [401] * 4 and statuses[4:] == [429, 429], statuses
    # A forged X-Forwarded-For does not get it a fresh count: nginx appends the address it really comes from.
    status, _, _ = guesser.form("/sign-in", {"username": "user9", "password": "wrong-password-1"}, "/sign-in")
    assert status == 429
    forged = Client(proxy.https_port, proxy.cert, source="127.0.0.3")
    _, _, page = forged.request("GET", "/sign-in")
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    status, _, _ = forged.request(
        "POST", "/sign-in", urllib.parse.urlencode({"_csrf": token, "username": "x", "password": "wrong-password-1"}),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "198.51.100.77"})
    assert status == 429
    # Someone else behind the same proxy signs in.
    other = Client(proxy.https_port, proxy.cert, source="127.0.0.4")
    status, _, _ = other.form("/sign-in", {"username": "admin", "password": ADMIN_PASSWORD, "next": "/"}, "/sign-in")
    assert status == 303
    recorded = pair["postgres"].psql(
        pair["database"], "SELECT client_address, count(*) FROM audit_events WHERE action = 'sign_in.failure' "
                          "GROUP BY client_address")
    assert recorded.split() == ["127.0.0.3|4"]


def test_a_csv_import_on_one_instance_while_the_other_serves_pages(pair):
    first, second = pair["first"], pair["second"]
    token = WebSession(first.url, "admin", ADMIN_PASSWORD).create_token("import")
    rows = "\n".join(f"Import;Person {index:05};+33 1 40 {index // 10000 % 100:02} {index // 100 % 100:02} "
                     f"{index % 100:02}" for index in range(3000))
    csv = ("First name;Last name;Business phone\n" + rows + "\n").encode()
    report = {}

    def run_import():
        request = urllib.request.Request(first.url + "/api/v1/contacts/csv/import?duplicates=keep", data=csv,
                                         method="POST")
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "text/csv")
        with urllib.request.urlopen(request, timeout=120) as response:
            report["status"] = response.status
            report["body"] = json.loads(response.read().decode())

    importer = threading.Thread(target=run_import)
    session = WebSession(second.url, "admin", ADMIN_PASSWORD)
    importer.start()
    pages = 0
    while importer.is_alive():
        assert "sign-out" in session.get("/contacts?name=person")
        pages += 1
    importer.join()
    assert report["status"] == 200, report
    assert report["body"]["created"] == 3000, report["body"]
    assert pages >= 3
    status, body = api(second.url, "GET", "/api/v1/contacts?name=import&limit=5", token)
    assert status == 200 and len(body["items"]) == 5


def test_an_instance_killed_in_the_middle_of_requests(pair):
    """Last in the module: it kills the second instance."""
    proxy, postgres = pair["nginx"], pair["postgres"]
    client = Client(proxy.https_port, proxy.cert)
    client.form("/sign-in", {"username": "admin", "password": ADMIN_PASSWORD, "next": "/"}, "/sign-in")
    _, _, page = client.form("/settings/tokens", {"name": "kill"}, "/settings")
    token = re.search(r'data-testid="token-secret">([^<]+)<', page).group(1)
    results = collections.defaultdict(list)
    stop = threading.Event()

    def writer(worker):
        own = Client(proxy.https_port, proxy.cert)
        index = 0
        while not stop.is_set():
            name = f"Killed {worker}-{index:04}"
            status, _ = own.api("POST", "/api/v1/contacts", token, {
                "firstName": "Kill", "lastName": name,
                "phones": [{"type": "mobile", "number": f"+33 6 {worker:02} {index // 100 % 100:02} {index % 100:02} 00"}],
                "emails": [{"type": "business", "address": f"k{worker}.{index}@example.com"}]})
            results["writes"].append((status, name))
            index += 1

    def reader():
        while not stop.is_set():
            status, _, _ = client.request("GET", "/contacts?name=kill")
            results["reads"].append(status)

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(3)] + [threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    pair["second"].process.kill()
    time.sleep(2.5)
    stop.set()
    for thread in threads:
        thread.join()

    # Reads went on: nginx sent them to the instance still running.
    assert results["reads"] and set(results["reads"]) == {200}, collections.Counter(results["reads"])
    # Writes: created, or (the one in flight on the killed instance, never replayed) a gateway error.
    statuses = collections.Counter(status for status, _ in results["writes"])
    print(f"\nkilled mid-requests: reads {collections.Counter(results['reads'])}, writes {statuses}")
    assert set(statuses) <= {201, 502}, statuses
    assert statuses[201] > 10
    created = {name for status, name in results["writes"] if status == 201}
    stored = postgres.psql(pair["database"], """
        SELECT c.last_name, cardinality(c.phones) > 0 AND cardinality(c.emails) > 0,
               EXISTS (SELECT 1 FROM contact_number_keys k WHERE k.contact_id = c.id),
               EXISTS (SELECT 1 FROM contact_name_words w WHERE w.contact_id = c.id)
        FROM contacts c WHERE c.first_name = 'Kill'""").split("\n")
    rows = [line.split("|") for line in stored if line]
    names = {row[0] for row in rows}
    # Every write answered "created" is there; none is there in part (numbers, e-mails, search keys together).
    assert created <= names
    assert len(names) <= len(results["writes"])
    assert all(row[1:] == ["t", "t", "t"] for row in rows), [row for row in rows if row[1:] != ["t", "t", "t"]]


# ---- Backups ------------------------------------------------------------------------------------------------------


def sqlite_tables(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    tables = {name: collections.Counter(connection.execute(f'SELECT * FROM "{name}"').fetchall()) for name in names}
    connection.close()
    return tables


def postgres_tables(postgres, database):
    names = postgres.psql(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split()
    return {name: collections.Counter(postgres.psql(database, f'COPY "{name}" TO STDOUT').splitlines())
            for name in names}


def written_during_backup(server, snapshot, take_backup):
    """Contacts written one after another while `take_backup` runs: the tables just before (`snapshot`) and the
    names written, in order."""
    token = WebSession(server.url, "admin", ADMIN_PASSWORD).create_token("backup")
    # The token's first use is recorded now, not during the writes.
    assert api(server.url, "GET", "/api/v1/contacts?limit=1", token)[0] == 200
    before = snapshot()
    names, stop = [], threading.Event()

    def writer():
        index = 0
        while not stop.is_set():
            name = f"Backup {index:05}"
            status, _ = api(server.url, "POST", "/api/v1/contacts", token,
                            {"firstName": "Written", "lastName": name,
                             "phones": [{"type": "business", "number": f"+33 1 44 00 {index // 100 % 100:02} {index % 100:02}"}]})
            assert status == 201
            names.append(name)
            index += 1

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(1.0)
    take_backup()
    time.sleep(1.0)
    stop.set()
    thread.join()
    return before, names


def generation(rows):
    """The value of a one-row counter table, as `sqlite_tables` (tuples) or `postgres_tables` (tab-separated) read it."""
    (row,) = list(rows)
    return int(row[1] if isinstance(row, tuple) else row.split("\t")[1])


def check_snapshot(before, restored, after, restored_names, written):
    """The backup is the database as of one instant: everything before the writes, a first part of the writes in
    order, nothing that was never in the database."""
    assert set(before) == set(restored) == set(after)
    # The contacts' generation is one row updated in place by every write (migration 21): the snapshot's value lies
    # between those before and after the writes, past the one before (writes are in the snapshot).
    counters = {table: [generation(rows) for rows in (before[table], restored[table], after[table])]
                for table in ("contact_generation",)}
    for table, (first, snapshot, last) in counters.items():
        assert first < snapshot <= last, (table, first, snapshot, last)
    for table in restored:
        if table in counters:
            continue
        assert not (restored[table] - after[table]), f"{table}: rows the database never had"
        assert not (before[table] - restored[table]), f"{table}: rows written before the backup are missing"
    assert restored_names == written[:len(restored_names)], "not a first part of the writes, in order"
    assert 0 < len(restored_names) < len(written), (len(restored_names), len(written))
    print(f"\nbackup during writes: {len(restored_names)} of {len(written)} contacts written, "
          f"{sum(sum(rows.values()) for rows in restored.values())} rows in {len(restored)} tables compared")


def test_a_sqlite_backup_taken_during_writes_restores_every_table(server_factory, tmp_path):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    database = server.env["DATABASE_URL"][len("sqlite://"):]
    backup = tmp_path / "switchboard.backup"
    before, written = written_during_backup(
        server, lambda: sqlite_tables(database), lambda: server.cli("backup", str(backup)))
    after = sqlite_tables(database)

    target = tmp_path / "restored.sqlite"
    environment = dict(server.env, DATABASE_URL=f"sqlite://{target}")
    result = subprocess.run([server.binary, "restore", str(backup)], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    restored = sqlite_tables(target)
    names = [name for (name,) in sqlite3.connect(target).execute(
        "SELECT last_name FROM contacts WHERE first_name = 'Written' ORDER BY last_name")]
    check_snapshot(before, restored, after, names, written)

    # Restoring over a database in use is refused, and says why.
    result = subprocess.run([server.binary, "restore", str(backup)], env=server.env, capture_output=True, text=True)
    assert result.returncode == 1 and "not empty" in result.stderr
    # The restored file serves.
    restored_server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD, "DATABASE_URL": f"sqlite://{target}"})
    assert "sign-out" in WebSession(restored_server.url, "admin", ADMIN_PASSWORD).get("/contacts?name=backup")


def test_a_postgresql_backup_taken_during_writes_restores_every_table(postgres, server_factory, tmp_path):
    url = postgres.create_database("live")
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD, "DATABASE_URL": url})
    backup = tmp_path / "switchboard.dump"
    before, written = written_during_backup(
        server, lambda: postgres_tables(postgres, "live"), lambda: server.cli("backup", str(backup)))
    after = postgres_tables(postgres, "live")

    target = postgres.create_database("restored")
    environment = dict(server.env, DATABASE_URL=target)
    result = subprocess.run([server.binary, "restore", str(backup)], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    restored = postgres_tables(postgres, "restored")
    names = postgres.psql("restored", "SELECT last_name FROM contacts WHERE first_name = 'Written' "
                                      "ORDER BY last_name").splitlines()
    check_snapshot(before, restored, after, names, written)
    result = subprocess.run([server.binary, "restore", str(backup)], env=server.env, capture_output=True, text=True)
    assert result.returncode == 1 and "not empty" in result.stderr


def test_migrate_dry_run_lists_what_would_run_and_changes_nothing(tmp_path):
    binary = os.environ.get("SWITCHBOARD_BIN", str(ROOT / ".build" / "debug" / "switchboard"))
    database = tmp_path / "fresh.sqlite"
    environment = dict(os.environ, DATABASE_URL=f"sqlite://{database}", SWITCHBOARD_ADMIN_PASSWORD=ADMIN_PASSWORD)

    def migrate(*arguments):
        result = subprocess.run([binary, "migrate", *arguments], cwd=ROOT, env=environment, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    listed = migrate("--dry-run")
    assert "These migrations would run, in this order:" in listed and re.search(r"^\s+1\s+CreateUser$", listed, re.M)
    tables = {name for (name,) in sqlite3.connect(database).execute("SELECT name FROM sqlite_master")}
    assert not tables, tables
    migrate("--yes")
    assert "The database is up to date." in migrate("--dry-run")
    # The first administrator exists, though no server started (several instances migrate once, this way).
    assert [name for (name,) in sqlite3.connect(database).execute("SELECT username FROM users")] == ["admin"]
