"""Real SIP for the telephony tests: Kamailio with deploy/kamailio/kamailio.cfg, SIPp phones, and a
small HTTP client for Switchboard's pages and API."""
import http.cookiejar
import json
import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KAMAILIO_CFG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"


def free_sip_port() -> int:
    """A port free on 127.0.0.1 for both UDP and TCP (SIP over UDP, JSON-RPC over TCP)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        return udp.getsockname()[1]


class Kamailio:
    """`kamailio -f deploy/kamailio/kamailio.cfg -DD -E` on a port of its own; site values as -A defines."""

    def __init__(self, port, switchboard_url, token, trunk_port, voicemail_port, register_flags="0"):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="kamailio-e2e-")
        self.log = open(Path(self.dir) / "kamailio.log", "w+")
        defines = {
            "SWITCHBOARD_URL": f'"{switchboard_url}"',
            "SWITCHBOARD_TOKEN": f'"{token}"',
            "TRUNK_URI": f'"sip:127.0.0.1:{trunk_port}"',
            "VOICEMAIL_URI": f'"sip:127.0.0.1:{voicemail_port}"',
            "REGISTER_FLAGS": f'"{register_flags}"',
        }
        command = ["kamailio", "-f", str(KAMAILIO_CFG), "-DD", "-E", "-m", "64", "-M", "8",
                   "-Y", self.dir, "-l", f"udp:127.0.0.1:{port}", "-l", f"tcp:127.0.0.1:{port}"]
        for name, value in defines.items():
            command += ["-A", f"{name}={value}"]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        self._wait_ready()

    def rpc(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/RPC", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def _wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("kamailio exited:\n" + self.output())
            try:
                self.rpc("core.version")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("kamailio did not answer:\n" + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# SIPp scenarios. {placeholders} are filled by Python; [keywords] by SIPp.

REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="register {ext}">
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{ext}@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:{ext}@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:{ext}@127.0.0.1:{phone_port}>
Max-Forwards: 70
Expires: 3600
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"""

# A phone that rings, then answers; {check} may hold <ereg check_it="true"> actions on the INVITE.
ANSWER = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="answer">
  <recv request="INVITE">{check}</recv>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_Record-Route:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_Record-Route:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000

]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
"""

# A phone that rings and is not picked up: it rings until the PBX cancels the call.
RING_UNTIL_CANCELLED = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="ring until cancelled">
  <recv request="INVITE">{check}</recv>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_Record-Route:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <recv request="CANCEL"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <send><![CDATA[
SIP/2.0 487 Request Terminated
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
CSeq: [last_cseq_number] INVITE
Content-Length: 0

]]></send>
  <recv request="ACK"/>
</scenario>
"""

# The phone of a click-to-dial: the bridge's INVITE arrives; the user declines (the test only
# needs to see it ring).
DECLINE = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="decline">
  <recv request="INVITE">{check}</recv>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <send><![CDATA[
SIP/2.0 603 Decline
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <recv request="ACK"/>
</scenario>
"""

# A caller: INVITE to {callee} from {caller}, answered somewhere, then hang up.
CALL = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="call {callee}">
  <send retrans="500"><![CDATA[
INVITE sip:{callee}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:{callee}@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:{caller}@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000

]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
[routes]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
[routes]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"""


def header_check(header, pattern):
    """An action that fails the SIPp call unless `header` matches the regular expression."""
    pattern = pattern.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return (
        f'<action><ereg regexp="{pattern}" search_in="hdr" header="{header}" check_it="true" '
        f'assign_to="{header.rstrip(":").replace("-", "_").lower()}_seen"/></action>'
    )


def request_line_check(pattern):
    pattern = pattern.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return f'<action><ereg regexp="{pattern}" search_in="msg" check_it="true" assign_to="request_seen"/></action>'


class SIPp:
    """One SIPp process running one call of a scenario; `wait()` gives its exit code (0: all went
    as the scenario says). The messages it saw are in `messages()`."""

    def __init__(self, name, scenario, port, remote=None, timeout=30):
        self.name = name
        self.dir = Path(tempfile.mkdtemp(prefix=f"sipp-{name}-"))
        # SIPp reads one <action> per message: checks given one after the other share it.
        scenario = scenario.replace("</action><action>", "")
        # SIPp refuses variables used once: the checks' captures are referenced here.
        captures = sorted(set(re.findall(r'assign_to="([^"]+)"', scenario)))
        if captures:
            scenario = scenario.replace(
                "</scenario>", f'  <Reference variables="{",".join(captures)}"/>\n</scenario>')
        (self.dir / "scenario.xml").write_text(scenario)
        command = ["sipp", "-sf", "scenario.xml", "-i", "127.0.0.1", "-p", str(port), "-m", "1", "-nostdin",
                   "-trace_msg", "-message_file", "messages.log", "-trace_err", "-error_file", "errors.log",
                   "-timeout", f"{timeout}s", "-timeout_error", "-mp", str(free_udp_port())]
        if remote:
            command.append(remote)
        self.process = subprocess.Popen(
            command, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait(self, timeout=40):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return -1

    def messages(self):
        path = self.dir / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def report(self):
        errors = self.dir / "errors.log"
        return (
            f"--- {self.name} exit {self.process.returncode}\n"
            + (errors.read_text(errors="replace") if errors.exists() else "")
            + (self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else "")
            + "\n--- messages\n" + self.messages()[-4000:]
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class WebSession:
    """A signed-in person's pages, over plain HTTP (cookies and CSRF tokens as a browser keeps them)."""

    def __init__(self, base_url, username, password):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/sign-in", {"username": username, "password": password, "next": "/"}, csrf_from="/sign-in")

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path, fields, csrf_from):
        page = self.get(csrf_from)
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"_csrf": token, **fields}).encode()
        with self.opener.open(self.base_url + path, data=data, timeout=20) as response:
            return response.read().decode()

    def create_token(self, name):
        page = self.post("/settings/tokens", {"name": name}, csrf_from="/settings")
        return re.search(r'data-testid="token-secret">([^<]+)<', page).group(1)


def api(base_url, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None)
