"""Server-Sent Events clients of the live streams (/v1/admin/events,
/v1/me/events): a ticket, then a stream read frame by frame over a plain
socket (so a test controls its receive buffer, or stops reading), and
direct writes to the live_events log on either backend."""
import http.client
import json
import socket
import sqlite3
import subprocess
import time


def ticket(ad, token, stream="admin", tenant_id=None):
    """A fresh ticket for stream ("admin" or "me"); asserts 201."""
    path = "/v1/%s/events/ticket" % stream
    if tenant_id:
        path += "?tenant_id=%d" % tenant_id
    status, _, body = ad.request("POST", path, token=token)
    assert status == 201, (status, body)
    assert body["success"] is True and body["expires_at"], body
    return body["ticket"]


class SseStream:
    """One GET of a stream. frame() returns the next frame as a dict:
    {"comments": [...], "id": str|None, "event": str|None, "data": str|None}
    ("data" lines joined by newlines), or None at the end of the body."""

    def __init__(self, ad, path, headers=None, rcvbuf=None, timeout=10):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", ad.port))
        conn = http.client.HTTPConnection("127.0.0.1", ad.port)
        conn.sock = self.sock
        self.conn = conn
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("Accept", "text/event-stream")
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        self.resp = conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.body = None
        if self.status != 200:
            raw = self.resp.read()
            self.body = json.loads(raw) if raw.startswith(b"{") else raw

    def settimeout(self, seconds):
        self.sock.settimeout(seconds)

    def frame(self):
        f = {"comments": [], "id": None, "event": None, "data": None}
        seen = False
        while True:
            try:
                line = self.resp.readline()
            except (http.client.IncompleteRead, ConnectionError):
                return None
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line == "":
                if seen:
                    return f
                continue
            seen = True
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "":
                f["comments"].append(value)
            elif field == "data":
                f["data"] = value if f["data"] is None else f["data"] + "\n" + value
            elif field in ("id", "event"):
                f[field] = value

    def event(self):
        """The next frame that is an event (comments skipped), with its
        data parsed; None at the end."""
        while True:
            f = self.frame()
            if f is None or f["event"]:
                if f and f["data"] is not None:
                    f["json"] = json.loads(f["data"])
                return f

    def events(self, n):
        out = []
        for _ in range(n):
            e = self.event()
            assert e is not None, "the stream ended after %d of %d events: %r" % (len(out), n, out)
            out.append(e)
        return out

    def close(self):
        try:
            self.resp.close()
        finally:
            self.sock.close()


def open_stream(ad, token=None, stream="admin", tenant_id=None, last_event_id=None,
                ticket_value=None, headers=None, rcvbuf=None):
    """Opens stream with a fresh ticket (or ticket_value) and returns it
    once it said `: connected` (its subscription is live)."""
    t = ticket_value or ticket(ad, token, stream, tenant_id)
    path = "/v1/%s/events?ticket=%s" % (stream, t)
    if last_event_id is not None:
        path += "&last_event_id=%d" % last_event_id
    s = SseStream(ad, path, headers=headers, rcvbuf=rcvbuf)
    assert s.status == 200, (s.status, s.body)
    assert s.headers["content-type"] == "text/event-stream", s.headers
    if rcvbuf is None:
        first = s.frame()
        assert first and first["comments"] == ["connected"], first
    return s


def sql(ad, statement):
    """Runs one SQL statement on ad's database (either backend); the rows
    as lists of strings."""
    if ad.db.startswith("sqlite:"):
        db = sqlite3.connect(ad.db[len("sqlite:"):], timeout=30)
        try:
            rows = [[str(c) for c in r] for r in db.execute(statement).fetchall()]
            db.commit()
            return rows
        finally:
            db.close()
    # On stdin: a statement may be longer than one argument may be.
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-d", ad.db],
                         input=statement, check=True, stdout=subprocess.PIPE, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def append_event(ad, tenant_id, type_, data, user_id=None):
    """Appends an event to live_events as another process would (the
    other publishers' rows: registration.changed, call.*); its id."""
    rows = sql(ad, "INSERT INTO live_events (tenant_id, type, user_id, data, created_at) "
                   "VALUES (%s, '%s', %s, '%s', %d) RETURNING id"
               % (tenant_id or "NULL", type_, user_id or "NULL",
                  json.dumps(data).replace("'", "''"), int(time.time())))
    return int(rows[0][0])
