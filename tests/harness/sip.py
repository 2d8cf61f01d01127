"""SIP clients for the FreeSWITCH tests, both authenticating with RFC 2617
digest (MD5, qop=auth) from the credentials GET /v1/auth/me gives.

- sipp_register(): sipp (Debian's sip-tester) over UDP, one or many users
  from a CSV file, expecting one final response code.
- sipp_call(): one authenticated sipp call that, once answered, streams a
  tone (sipp's rtp_stream, raw PCMU) for a few seconds, then hangs up.
- UA: a small SIP user agent (RFC 3261) over UDP or over WebSocket
  (RFC 7118, Debian's python3-websockets), as the agent desktop is one:
  REGISTER, INVITE (caller) and answering an INVITE (callee), and the
  requests FreeSWITCH sends it (NOTIFY, OPTIONS) kept for the test.
"""
import asyncio
import hashlib
import os
import queue
import re
import secrets
import socket
import subprocess
import tempfile
import threading
import time

SIPP = "sipp"

# ---------------------------------------------------------------- sipp

SIPP_REGISTER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register">
  <send retrans="500" start_rtd="1"><![CDATA[
REGISTER sip:[field1] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
To: <sip:[field0]@[field1]>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Max-Forwards: 70
Expires: %(expires)d
User-Agent: sipp
Content-Length: 0

]]></send>
  <recv response="401" auth="true" rtd="1"/>
  <send retrans="500" start_rtd="2"><![CDATA[
REGISTER sip:[field1] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
To: <sip:[field0]@[field1]>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
[authentication username="[field0]" password="[field2]"]
Max-Forwards: 70
Expires: %(expires)d
User-Agent: sipp
Content-Length: 0

]]></send>
  <recv response="%(expect)d" rtd="2"/>
  <ResponseTimeRepartition value="10, 20, 50, 100, 200, 500, 1000, 2000"/>
</scenario>
"""


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SippResult:
    def __init__(self, rc, out, messages, stat):
        self.rc, self.out, self.messages, self.stat = rc, out, messages, stat

    @property
    def ok(self):
        return self.rc == 0

    def codes(self):
        """The final response codes sipp received (from its message trace)."""
        return [int(c) for c in re.findall(r"(?m)^SIP/2\.0 (\d{3}) ", self.messages)
                if not c.startswith("1")]

    def __repr__(self):
        return "sipp rc=%d codes=%s\n%s" % (self.rc, self.codes(), self.out[-1500:])


def sipp_register(fs_port, users, expect=200, expires=600, rate=None, limit=None, timeout=30,
                  stats=False):
    """REGISTERs each of users [(ext, domain, password)] once over UDP to
    127.0.0.1:fs_port; ok when each got `expect` after the digest round.
    A user may be (ext, domain, password, port): its Contact is then
    127.0.0.1:port (another process there takes its calls), not sipp's own.
    rate/limit: calls per second and at once (default: all at once)."""
    d = tempfile.mkdtemp(prefix="agentdesk-sipp-")
    try:
        scen = os.path.join(d, "register.xml")
        with open(scen, "w") as f:
            text = SIPP_REGISTER % {"expect": expect, "expires": expires}
            if any(len(u) > 3 for u in users):
                text = text.replace("Contact: <sip:[field0]@[local_ip]:[local_port]>",
                                    "Contact: <sip:[field0]@127.0.0.1:[field3]>")
            f.write(text)
        inf = os.path.join(d, "users.csv")
        with open(inf, "w") as f:
            f.write("SEQUENTIAL\n")
            for u in users:
                f.write("%s;%s;%s;%s;\n" % (u[0], u[1], u[2], u[3] if len(u) > 3 else ""))
        n = len(users)
        msgs = os.path.join(d, "messages.log")
        cmd = [SIPP, "127.0.0.1:%d" % fs_port, "-sf", scen, "-inf", inf, "-i", "127.0.0.1",
               "-p", str(free_udp_port()), "-m", str(n), "-l", str(limit or n),
               "-r", str(rate or n * 1000), "-rp", "1000", "-nostdin", "-timeout", "%ds" % timeout,
               "-timeout_error", "-recv_timeout", "10000", "-max_recv_loops", "100000"]
        # Measuring: response times, not every message (that would slow sipp).
        cmd += ["-trace_rtt", "-rtt_freq", "1"] if stats else ["-trace_msg", "-message_file", msgs]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           cwd=d, timeout=timeout + 30)
        try:
            with open(msgs, errors="replace") as f:
                messages = f.read()
        except FileNotFoundError:
            messages = ""
        stat = None
        if stats:
            # sipp's -trace_rtt file: "date_ms;response_time_ms;rtd_no" per
            # measure: rtd 1 is the challenge, rtd 2 the authenticated REGISTER.
            stat = {1: [], 2: []}
            for name in os.listdir(d):
                if name.endswith("_rtt.csv"):
                    with open(os.path.join(d, name)) as f:
                        for line in f.read().splitlines()[1:]:
                            parts = line.split(";")
                            if len(parts) >= 3 and parts[2].strip().isdigit():
                                stat[int(parts[2])].append((float(parts[0]), float(parts[1])))
        return SippResult(p.returncode, p.stdout, messages, stat)
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- the UA

# An INVITE of SIPP_CALL: CSeq n, then the auth line (empty or sipp's
# [authentication]).
SIPP_INVITE = """  <send retrans="500"><![CDATA[
INVITE sip:[service]@[field1] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
To: <sip:[service]@[field1]>
Call-ID: [call_id]
CSeq: %d INVITE
Contact: <sip:[field0]@[local_ip]:[local_port]>%s
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [media_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=sendrecv
]]></send>
"""

# In-dialog requests after the 200 (CSeq, method).
SIPP_IN_DIALOG = """  <send%s><![CDATA[
%s [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
[last_To:]
[routes]
Call-ID: [call_id]
CSeq: %d %s
Contact: <sip:[field0]@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
"""

SIPP_CALL = ("""<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="call with audio">
""" + (SIPP_INVITE % (1, "")).replace("%", "%%") + """  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  <send><![CDATA[
ACK sip:[service]@[field1] SIP/2.0
[last_Via:]
From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
""" + (SIPP_INVITE % (2, '\n[authentication username="[field0]" password="[field2]"]')).replace("%", "%%")
    + """  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
""" + (SIPP_IN_DIALOG % ("", "ACK", 2, "ACK")).replace("%", "%%") + """  <nop><action><exec rtp_stream="%(audio)s,1,0"/></action></nop>
  <pause milliseconds="%(talk_ms)d"/>
""" + (SIPP_IN_DIALOG % (' retrans="500"', "BYE", 3, "BYE")).replace("%", "%%") + """  <recv response="200"/>
</scenario>
""")


def ulaw_tone(seconds, freq=440, rate=8000, amplitude=8000):
    """seconds of a sine tone as raw G.711 mu-law bytes (payload type 0)."""
    import math
    out = bytearray()
    for n in range(int(seconds * rate)):
        x = int(amplitude * math.sin(2 * math.pi * freq * n / rate))
        sign = 0x80 if x < 0 else 0
        x = min(abs(x), 32635) + 0x84
        exp = 7
        while exp > 0 and not (x & (0x4000 >> (7 - exp))):
            exp -= 1
        mant = (x >> (exp + 3)) & 0x0F
        out.append(~(sign | (exp << 4) | mant) & 0xFF)
    return bytes(out)


def sipp_call(fs_port, caller, target, talk_s=4.0, tone_s=None, timeout=30):
    """One authenticated call of caller (ext, domain, password) to target
    over UDP: on 200 it streams a 440 Hz tone (PCMU) for tone_s seconds
    (default talk_s) with sipp's rtp_stream, hangs up after talk_s. ok when
    the call was answered and ended by our BYE."""
    d = tempfile.mkdtemp(prefix="agentdesk-sipp-")
    try:
        audio = os.path.join(d, "tone.ulaw")
        with open(audio, "wb") as f:
            f.write(ulaw_tone(tone_s if tone_s is not None else talk_s))
        scen = os.path.join(d, "call.xml")
        with open(scen, "w") as f:
            f.write(SIPP_CALL % {"audio": audio, "talk_ms": int(talk_s * 1000)})
        inf = os.path.join(d, "caller.csv")
        with open(inf, "w") as f:
            f.write("SEQUENTIAL\n%s;%s;%s;\n" % tuple(caller))
        msgs = os.path.join(d, "messages.log")
        media = free_udp_port() & ~1
        cmd = [SIPP, "127.0.0.1:%d" % fs_port, "-sf", scen, "-inf", inf, "-s", str(target),
               "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(media),
               "-p", str(free_udp_port()), "-m", "1", "-nostdin", "-timeout", "%ds" % timeout,
               "-timeout_error", "-recv_timeout", "%d" % (timeout * 1000),
               "-trace_msg", "-message_file", msgs, "-trace_err", "-error_file",
               os.path.join(d, "errors.log")]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           cwd=d, timeout=timeout + 30)
        out = {}
        for name in ("messages.log", "errors.log"):
            try:
                with open(os.path.join(d, name), errors="replace") as f:
                    out[name] = f.read()
            except FileNotFoundError:
                out[name] = ""
        return SippResult(p.returncode, out["errors.log"] + p.stdout, out["messages.log"], None)
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def digest(challenge, method, uri, user, password):
    """The Authorization value answering a WWW-/Proxy-Authenticate challenge."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge.split(" ", 1)[1]))
    realm, nonce = params["realm"], params["nonce"]
    ha1 = md5("%s:%s:%s" % (user, realm, password))
    ha2 = md5("%s:%s" % (method, uri))
    out = 'Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (
        user, realm, nonce, uri)
    if "auth" in params.get("qop", "").split(","):
        cnonce, nc = secrets.token_hex(8), "00000001"
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
        out += ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        resp = md5("%s:%s:%s" % (ha1, nonce, ha2))
    out += ', response="%s"' % resp
    if "opaque" in params:
        out += ', opaque="%s"' % params["opaque"]
    return out


class Message:
    """A parsed SIP message; raw keeps the exact bytes."""

    def __init__(self, raw):
        self.raw = raw
        text = raw.decode(errors="replace")
        head, _, self.body = text.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                k, v = self.headers[-1]
                self.headers[-1] = (k, v + " " + line.strip())
            elif ":" in line:
                k, v = line.split(":", 1)
                self.headers.append((k.strip(), v.strip()))
        m = re.match(r"SIP/2\.0 (\d{3}) ?(.*)", self.start)
        self.code = int(m.group(1)) if m else None
        self.method = None if m else self.start.split(" ", 1)[0]

    COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
               "l": "content-length", "c": "content-type", "o": "event"}

    def all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if self.COMPACT.get(k.lower(), k.lower()) == name]

    def get(self, name, default=None):
        v = self.all(name)
        return v[0] if v else default

    def cseq(self):
        n, method = self.get("cseq").split()
        return int(n), method

    def __repr__(self):
        return self.raw.decode(errors="replace")


class UdpTransport:
    def __init__(self, server, host="127.0.0.1"):
        self.server = server
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.port = self.sock.getsockname()[1]
        self.via = "SIP/2.0/UDP %s:%d" % (host, self.port)
        self.contact_host = "%s:%d" % (host, self.port)
        self.contact_params = ""

    def send(self, data):
        self.sock.sendto(data, self.server)

    def recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data, _ = self.sock.recvfrom(65536)
            return data
        except socket.timeout:
            return None

    def close(self):
        self.sock.close()


class WsTransport:
    """SIP over WebSocket: the websockets client runs on an asyncio loop in
    a thread of its own; frames come out of a queue."""

    def __init__(self, url):
        import websockets  # Debian's python3-websockets
        self.q = queue.Queue()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.closed = False

        async def connect():
            return await websockets.connect(url, subprotocols=["sip"], open_timeout=10,
                                            ping_interval=None)
        self.ws = asyncio.run_coroutine_threadsafe(connect(), self.loop).result(15)

        async def reader():
            try:
                async for frame in self.ws:
                    self.q.put(frame.encode() if isinstance(frame, str) else frame)
            except Exception:
                pass
            self.q.put(None)
        asyncio.run_coroutine_threadsafe(reader(), self.loop)
        host = secrets.token_hex(6) + ".invalid"
        self.via = "SIP/2.0/WS " + host
        self.contact_host = host
        self.contact_params = ";transport=ws"

    def send(self, data):
        asyncio.run_coroutine_threadsafe(self.ws.send(data.decode()), self.loop).result(10)

    def recv(self, timeout):
        try:
            data = self.q.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            return None
        if data is None:
            self.closed = True
            self.q.put(None)
        return data

    def close(self):
        try:
            asyncio.run_coroutine_threadsafe(self.ws.close(), self.loop).result(5)
        except Exception:
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class UA:
    """One SIP identity (ext@domain with its password) on one transport:
    "udp" to 127.0.0.1:sip_port, or "ws" to ws://127.0.0.1:ws_port.
    host: the loopback address a UDP UA sends from (a "carrier" on
    127.0.0.2, which FreeSWITCH's inbound ACL admits unchallenged)."""

    def __init__(self, transport, port, ext, domain, password, host="127.0.0.1"):
        self.ext, self.domain, self.password = ext, domain, password
        if transport == "ws":
            self.t = WsTransport("ws://127.0.0.1:%d" % port)
        else:
            self.t = UdpTransport(("127.0.0.1", port), host)
        self.call_id = secrets.token_hex(10)
        self.tag = secrets.token_hex(5)
        self.cseq = 0
        self.requests = []  # requests FreeSWITCH sent us, in order (answered 200 unless INVITE)
        self.contact = "<sip:%s@%s%s>" % (ext, self.t.contact_host, self.t.contact_params)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.t.close()

    # ---- wire
    def send(self, text):
        self.t.send(text.encode())

    def _request(self, method, uri, headers, body="", call_id=None, from_tag=None, to="",
                 cseq=None, branch=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        branch = branch or "z9hG4bK" + secrets.token_hex(8)
        lines = ["%s %s SIP/2.0" % (method, uri),
                 "Via: %s;branch=%s;rport" % (self.t.via, branch),
                 "Max-Forwards: 70",
                 "From: <sip:%s@%s>;tag=%s" % (self.ext, self.domain, from_tag or self.tag),
                 "To: %s" % (to or "<sip:%s@%s>" % (self.ext, self.domain)),
                 "Call-ID: %s" % (call_id or self.call_id),
                 "CSeq: %d %s" % (cseq, method),
                 "User-Agent: agentdesk-test"] + headers
        lines.append("Content-Length: %d" % len(body.encode()))
        self.send("\r\n".join(lines) + "\r\n\r\n" + body)
        return branch, cseq

    def _answer_stray(self, msg):
        """Requests that arrive while we wait: kept; NOTIFY/OPTIONS get a 200."""
        self.requests.append(msg)
        if msg.method in ("NOTIFY", "OPTIONS", "MESSAGE"):
            self.respond(msg, 200, "OK")

    def receive(self, timeout):
        """The next message within timeout, or None."""
        data = self.t.recv(timeout)
        return Message(data) if data else None

    def wait_response(self, branch, timeout=10, provisional=None):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no response for branch %s" % branch)
            msg = self.receive(left)
            if msg is None:
                if getattr(self.t, "closed", False):
                    raise ConnectionError("WebSocket closed")
                continue
            if msg.code is None:
                self._answer_stray(msg)
                continue
            if branch not in msg.get("via", ""):
                continue
            if msg.code < 200:
                if provisional is not None:
                    provisional.append(msg)
                continue
            return msg

    def wait_request(self, method, timeout=20, pred=None):
        """A request FreeSWITCH sent (kept ones first)."""
        for msg in self.requests:
            if msg.method == method and (pred is None or pred(msg)):
                self.requests.remove(msg)
                return msg
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            msg = self.receive(left)
            if msg is None or msg.code is not None:
                continue
            if msg.method == method and (pred is None or pred(msg)):
                if method in ("NOTIFY", "OPTIONS", "BYE"):
                    self.respond(msg, 200, "OK")
                return msg
            self._answer_stray(msg)

    def respond(self, req, code, reason, headers=(), body="", to_tag=None):
        to = req.get("to")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        lines = ["SIP/2.0 %d %s" % (code, reason)]
        lines += ["Via: %s" % v for v in req.all("via")]
        lines += ["From: %s" % req.get("from"), "To: %s" % to, "Call-ID: %s" % req.get("call-id"),
                  "CSeq: %s" % req.get("cseq")] + list(headers)
        lines.append("Content-Length: %d" % len(body.encode()))
        self.send("\r\n".join(lines) + "\r\n\r\n" + body)

    # ---- REGISTER
    def register(self, expires=600, password=None, timeout=10):
        """REGISTER, answering the digest challenge once; the final code."""
        uri = "sip:%s" % self.domain
        hdrs = ["Contact: %s;expires=%d" % (self.contact, expires), "Expires: %d" % expires]
        branch, _ = self._request("REGISTER", uri, hdrs)
        r = self.wait_response(branch, timeout)
        if r.code in (401, 407):
            name = "Authorization" if r.code == 401 else "Proxy-Authorization"
            ch = r.get("www-authenticate" if r.code == 401 else "proxy-authenticate")
            auth = digest(ch, "REGISTER", uri, self.ext, password or self.password)
            branch, _ = self._request("REGISTER", uri, hdrs + ["%s: %s" % (name, auth)])
            r = self.wait_response(branch, timeout)
        self.last = r
        return r.code

    # ---- calls
    def sdp(self):
        port = 40000 + secrets.randbelow(10000) * 2
        return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n" % port)

    def invite(self, target, timeout=15):
        """Calls target (an extension); returns (final response, provisional
        responses). A 2xx is ACKed and the dialog kept for bye(); another
        final response is ACKed by the transaction (RFC 3261 17.1.1.3)."""
        uri = "sip:%s@%s" % (target, self.domain)
        call_id = secrets.token_hex(10)
        tag = secrets.token_hex(5)
        to = "<%s>" % uri
        hdrs = ["Contact: %s" % self.contact, "Content-Type: application/sdp",
                "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY"]
        body = self.sdp()
        prov = []
        auth = []
        for attempt in range(2):
            branch, cseq = self._request("INVITE", uri, hdrs + auth, body, call_id=call_id,
                                         from_tag=tag, to=to)
            r = self.wait_response(branch, timeout, provisional=prov)
            if r.code >= 300:
                self._request("ACK", uri, [], call_id=call_id, from_tag=tag, to=r.get("to"),
                              cseq=cseq, branch=branch)
            if r.code in (401, 407) and attempt == 0:
                name = "Authorization" if r.code == 401 else "Proxy-Authorization"
                ch = r.get("www-authenticate" if r.code == 401 else "proxy-authenticate")
                auth = ["%s: %s" % (name, digest(ch, "INVITE", uri, self.ext, self.password))]
                continue
            break
        if 200 <= r.code < 300:
            contact = re.search(r"<([^>]+)>", r.get("contact")).group(1)
            self._request("ACK", contact, [], call_id=call_id, from_tag=tag, to=r.get("to"),
                          cseq=cseq)
            self.dialog = (contact, call_id, tag, r.get("to"))
        return r, prov

    def bye(self, timeout=10):
        contact, call_id, tag, to = self.dialog
        branch, _ = self._request("BYE", contact, [], call_id=call_id, from_tag=tag, to=to)
        return self.wait_response(branch, timeout).code

    def refer(self, target, timeout=10):
        """Blind transfer (RFC 3515): REFER, in the dialog of the call this
        UA placed (invite), of the other party to target (an extension or
        number of the UA's domain); the final code (202 when taken). The
        NOTIFYs that follow get a 200 (kept in requests)."""
        contact, call_id, tag, to = self.dialog
        hdrs = ["Contact: %s" % self.contact,
                "Refer-To: <sip:%s@%s>" % (target, self.domain),
                "Referred-By: <sip:%s@%s>" % (self.ext, self.domain)]
        branch, _ = self._request("REFER", contact, hdrs, call_id=call_id, from_tag=tag, to=to)
        return self.wait_response(branch, timeout).code

    def answer(self, timeout=20, ring=True):
        """Waits for an INVITE and answers it (180, then 200 with SDP, then
        the ACK); returns the INVITE, or None when none came."""
        inv = self.wait_request("INVITE", timeout)
        if inv is None:
            return None
        tag = secrets.token_hex(5)
        self.respond(inv, 100, "Trying")
        if ring:
            self.respond(inv, 180, "Ringing", to_tag=tag)
        self.respond(inv, 200, "OK", to_tag=tag,
                     headers=["Contact: %s" % self.contact, "Content-Type: application/sdp"],
                     body=self.sdp())
        self.dialog_in = (inv, tag)
        ack = self.wait_request("ACK", 10, pred=lambda m: m.get("call-id") == inv.get("call-id"))
        if ack is None:
            raise TimeoutError("no ACK for our 200")
        return inv


def reject(ua, inv, code=486, reason="Busy Here"):
    """Answers an INVITE ua received with a final failure (and takes the ACK)."""
    tag = secrets.token_hex(5)
    ua.respond(inv, 100, "Trying")
    ua.respond(inv, code, reason, to_tag=tag)
    ua.wait_request("ACK", 5, pred=lambda m: m.get("call-id") == inv.get("call-id"))


def hang_up(ua, timeout=10):
    """BYE on the call ua answered last (UA.answer); the final code."""
    inv, tag = ua.dialog_in
    contact = re.search(r"<([^>]+)>", inv.get("contact")).group(1)
    to = inv.get("to")
    if ";tag=" not in to:
        to += ";tag=" + tag
    lines = ["BYE %s SIP/2.0" % contact,
             "Via: %s;branch=z9hG4bK%s;rport" % (ua.t.via, secrets.token_hex(8)),
             "Max-Forwards: 70", "From: %s" % to, "To: %s" % inv.get("from"),
             "Call-ID: %s" % inv.get("call-id"), "CSeq: 1 BYE", "Content-Length: 0"]
    ua.send("\r\n".join(lines) + "\r\n\r\n")
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = ua.receive(deadline - time.time())
        if msg is not None and msg.code and msg.get("call-id") == inv.get("call-id"):
            if msg.code >= 200:
                return msg.code
    return None
