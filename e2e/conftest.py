"""Fixtures for browser tests: a real Switchboard server and a headless Chromium."""
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e" / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`switchboard serve` on 127.0.0.1 with its own SQLite file."""

    def __init__(self, env_extra=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="switchboard-e2e-")
        binary = os.environ.get("SWITCHBOARD_BIN", str(ROOT / ".build" / "debug" / "switchboard"))
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "PORT": str(self.port),
                "HOST": "127.0.0.1",
                "DATABASE_URL": f"sqlite://{self.dir}/switchboard.sqlite",
                "SWITCHBOARD_BCRYPT_COST": "8",
            }
        )
        env.update(env_extra or {})
        self.env = env
        self.binary = binary
        self.log = open(Path(self.dir) / "server.log", "w+")
        self.process = subprocess.Popen(
            [binary, "serve"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()  # not left running on its port when it never became ready
            raise

    def _wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.output())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        # Async code on the event loops (Sources/switchboard/EventLoopExecutor.swift) or a slow server.
                        # (Read through its own handle: the server writes at the shared one's offset.)
                        log = (Path(self.dir) / "server.log").read_text()
                        assert "global executor" not in log, log
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not become ready:\n" + self.output())

    def cli(self, *arguments):
        """Runs a `switchboard` command on the server's database, as an operator would."""
        result = subprocess.run(
            [self.binary, *arguments], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def create_user(self, username, password, extension=None, role="subscriber"):
        arguments = ["user", "create", username, "--password", password, "--role", role]
        if extension:
            arguments += ["--extension", extension]
        self.cli(*arguments)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def generated_admin_password(self) -> str:
        match = re.search(r"password: (\S+)", self.output())
        assert match, "the server did not print a generated admin password"
        return match.group(1)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def server():
    instance = Server()
    yield instance
    instance.stop()


@pytest.fixture
def server_factory():
    started = []

    def start(env_extra=None):
        instance = Server(env_extra)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


def make_driver(language="en-US", color_scheme=None):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.add_argument(f"--lang={language}")
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    if color_scheme == "dark":
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    return driver


@pytest.fixture
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def browser_factory():
    drivers = []

    def start(**kwargs):
        driver = make_driver(**kwargs)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


def screenshot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
