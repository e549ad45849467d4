"""The load bench of bench/load.sh: simulated people (sign in, browse, filter as they type, open contacts, save their
settings) through nginx, and the PBX asking at a steady rate, for a while; then errors, p50/p99 per page, each
instance's memory at start and end, database connections. Uses the e2e helpers (nginx from deploy/, PostgreSQL)."""
import argparse
import collections
import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))
from conftest import Server  # noqa: E402
from test_operations import Client, Nginx, Postgres  # noqa: E402

ADMIN_PASSWORD = "load-admin-password-1"
USER_PASSWORD = "load-user-password-1"
WORDS = ["ma", "mar", "mart", "le", "lef", "du", "dup", "an", "ann", "jo", "jon", "sa", "sam", "be", "ber", "ol"]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.errors = collections.Counter()

    def timed(self, page, call):
        start = time.perf_counter()
        try:
            status = call()
        except Exception as error:  # a refused connection, a time-out: an error of this page
            status = type(error).__name__
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latencies[page].append(elapsed)
            if not (isinstance(status, int) and status < 400):
                self.errors[(page, status)] += 1
        return status


def person(index, proxy, recorder, contacts, stop, think):
    client = Client(proxy.https_port, proxy.cert, source=f"127.0.{1 + index // 200}.{2 + index % 200}")
    rng = random.Random(index)
    username = f"load{index:03}"

    def form(path, fields, page_path):
        _, _, page = client.request("GET", page_path)
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"_csrf": token, **fields})
        return client.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    recorder.timed("sign in", lambda: form("/sign-in", {"username": username, "password": USER_PASSWORD, "next": "/"},
                                           "/sign-in"))
    seen = []

    def list_page(path):
        status, _, page = client.request("GET", path)
        # The contacts this person can open: those their list shows.
        found = re.findall(r'href="/contacts/([0-9A-Fa-f-]{36})"', page)
        if found:
            seen[:] = found
        return status

    list_page("/contacts")
    while not stop.is_set():
        action = rng.random()
        if action < 0.30:
            recorder.timed("contacts list", lambda: list_page("/contacts"))
        elif action < 0.55:
            # Filtering as one types: a request per letter, a fraction of a second apart.
            word = rng.choice(WORDS)
            for length in range(1, len(word) + 1):
                recorder.timed("filter as typed", lambda: client.request(
                    "GET", "/contacts?name=" + urllib.parse.quote(word[:length]))[0])
                time.sleep(0.15)
        elif action < 0.75:
            contact = rng.choice(seen or contacts)
            recorder.timed("contact page", lambda: client.request("GET", f"/contacts/{contact}")[0])
        elif action < 0.85:
            recorder.timed("letter tab", lambda: client.request("GET", f"/contacts?tab={rng.choice('ABCDELMS')}")[0])
        elif action < 0.93:
            recorder.timed("settings", lambda: client.request("GET", "/settings")[0])
        else:
            theme = rng.choice(["system", "light", "dark"])
            recorder.timed("save settings", lambda: form("/settings/preferences", {"language": "en", "theme": theme},
                                                         "/settings"))
        stop.wait(rng.uniform(*think))


def pbx(targets, token, rate, recorder, stop, numbers):
    """The PBX's questions at `rate` per second, spread over the instances (as Kamailio on the LAN asks them)."""
    def worker(offset, workers):
        connections = {}
        interval = workers / rate
        next_time = time.perf_counter() + offset * interval / workers
        count = offset
        while not stop.is_set():
            delay = next_time - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            next_time += interval
            host, port = targets[count % len(targets)]
            number = numbers[count % len(numbers)]
            path = (f"/api/v1/pbx/lookup?number={urllib.parse.quote(number)}" if count % 2 == 0
                    else "/api/v1/pbx/route?callee=1" + str(100 + count % 200))
            count += workers

            def ask():
                connection = connections.get(port) or http.client.HTTPConnection(host, port, timeout=10)
                connections[port] = connection
                try:
                    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
                    response = connection.getresponse()
                    response.read()
                    return 200 if response.status in (200, 404) else response.status
                except Exception:
                    connections.pop(port, None)
                    raise
            recorder.timed("PBX lookup" if "lookup" in path else "PBX route", ask)

    workers = 16
    threads = [threading.Thread(target=worker, args=(i, workers), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    return threads


def rss(server):
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--pbx-rate", type=int, default=500)
    arguments = parser.parse_args()
    binary = os.environ["SWITCHBOARD_BIN"]
    postgres = None
    environment = {"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD, "SWITCHBOARD_TRUSTED_PROXIES": "127.0.0.1",
                   "SWITCHBOARD_BCRYPT_COST": "10", "LOG_LEVEL": "warning",
                   "SWITCHBOARD_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000"}
    if not arguments.sqlite:
        postgres = Postgres()
        environment["DATABASE_URL"] = postgres.create_database("load")
    servers, proxy = [], None
    try:
        servers.append(Server(environment))
        settings, environment = environment, dict(servers[0].env)
        started = time.time()
        seed = subprocess.run([binary, "dev", "seed", "--contacts", str(arguments.contacts)], env=environment,
                              capture_output=True, text=True)
        assert seed.returncode == 0, seed.stderr
        print(f"seeded {arguments.contacts} contacts in {time.time() - started:.0f} s", flush=True)
        if not arguments.sqlite:
            servers.append(Server(settings))
        proxy = Nginx([server.port for server in servers] * (2 if len(servers) == 1 else 1))
        admin = Client(proxy.https_port, proxy.cert)
        admin.form("/sign-in", {"username": "admin", "password": ADMIN_PASSWORD, "next": "/"}, "/sign-in")
        _, _, page = admin.form("/settings/tokens", {"name": "load"}, "/settings")
        token = re.search(r'data-testid="token-secret">([^<]+)<', page).group(1)
        for index in range(arguments.users):
            status, body = admin.api("POST", "/api/v1/users", token, {
                "username": f"load{index:03}", "displayName": f"Load {index}", "role": "subscriber",
                "extension": str(1100 + index), "password": USER_PASSWORD})
            assert status == 201, body
        _, groups = admin.api("GET", "/api/v1/contact-groups", token)
        users = admin.api("GET", "/api/v1/users", token)[1]["items"]
        # Each person reads 2 of the groups.
        rights = collections.defaultdict(list)
        for number, user in enumerate(user for user in users if user["username"].startswith("load")):
            for k in (0, 7):
                group = groups["items"][(number + k) % len(groups["items"])]["id"]
                rights[group].append({"userId": user["id"], "right": "read", "standard": False})
        for group, items in rights.items():
            status, body = admin.api("PUT", f"/api/v1/contact-groups/{group}/rights", token, {"items": items})
            assert status in (200, 204), body
        contacts = [item["id"] for item in admin.api("GET", "/api/v1/contacts?limit=200", token)[1]["items"]]
        pbx_token = subprocess.run([binary, "pbx-token", "create", "load", "--quiet"], env=environment,
                                   capture_output=True, text=True, check=True).stdout.strip()
        numbers = ["0" + str(140000000 + i * 7919) for i in range(50)]
        if postgres:
            numbers = postgres.psql("load", "SELECT number FROM contact_number_keys LIMIT 200").splitlines() or numbers
        else:
            database = environment["DATABASE_URL"][len("sqlite://"):]
            numbers = [row[0] for row in sqlite3.connect(database).execute(
                "SELECT number FROM contact_number_keys LIMIT 200")] or numbers

        recorder, stop = Recorder(), threading.Event()
        memory_start = [rss(server) for server in servers]
        measure_start = time.time()
        targets = [("127.0.0.1", server.port) for server in servers]
        pbx_threads = pbx(targets, pbx_token, arguments.pbx_rate, recorder, stop, numbers)
        people = [threading.Thread(target=person, args=(i, proxy, recorder, contacts, stop, (2.0, 8.0)), daemon=True)
                  for i in range(arguments.users)]
        for index, thread in enumerate(people):
            thread.start()
            time.sleep(10.0 / arguments.users)  # everyone arrives within 10 s
        connections, samples, memory = [], 0, []
        deadline = time.time() + arguments.seconds
        while time.time() < deadline:
            time.sleep(10)
            samples += 1
            if samples % 6 == 0:
                memory.append([rss(server) for server in servers])
            if postgres:
                connections.append(int(postgres.psql(
                    "postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = 'load'").strip()))
        stop.set()
        elapsed = time.time() - measure_start
        for thread in people + pbx_threads:
            thread.join(timeout=30)
        memory_end = [rss(server) for server in servers]

        kind = "two instances on PostgreSQL behind nginx" if postgres else "one instance on SQLite behind nginx"
        print(f"\n{kind}: {arguments.users} people, PBX {arguments.pbx_rate} req/s asked, {arguments.seconds} s, "
              f"{arguments.contacts} contacts (measured over {elapsed:.0f} s, people arriving in the first 10)")
        print(f"{'page':<18}{'requests':>10}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        for page in sorted(recorder.latencies):
            values = sorted(recorder.latencies[page])
            errors = sum(count for (name, _), count in recorder.errors.items() if name == page)
            print(f"{page:<18}{len(values):>10}{len(values) / elapsed:>8.1f}"
                  f"{values[len(values) // 2]:>9.1f}{values[min(len(values) - 1, int(len(values) * 0.99))]:>9.1f}"
                  f"{errors:>8}")
        print("errors:", dict(recorder.errors) or 0)
        print("RSS MB at start / end:", ", ".join(f"{a} / {b}" for a, b in zip(memory_start, memory_end)))
        print("RSS MB each minute:", "; ".join(" ".join(str(value) for value in sample) for sample in memory))
        if connections:
            print(f"PostgreSQL connections: max {max(connections)}, last {connections[-1]}")
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            server.stop()
        if postgres:
            postgres.stop()


if __name__ == "__main__":
    main()
