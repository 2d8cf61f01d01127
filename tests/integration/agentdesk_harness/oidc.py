"""Single sign-on: the OpenID providers the tests start (tests/harness/
oidc_provider.mjs, the certified node-oidc-provider; oidc_test_idp.mjs, one
that misbehaves on request), both HTTPS on loopback with a test certificate
that agentdesk trusts through AGENTDESK_OIDC_CA_FILE, and a browser of
http.client that follows redirects itself, keeps cookies per host and port,
and submits the provider's login and consent forms."""
import html
import http.client
import json
import os
import re
import ssl
import subprocess
import urllib.parse

from .mail import make_cert
from .server import free_port

SOURCE = os.environ.get("AGENTDESK_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLIENT_ID, CLIENT_SECRET = "agentdesk", "client-secret-for-tests"


class Provider:
    """One provider process. script: oidc_provider.mjs or oidc_test_idp.mjs."""

    def __init__(self, script, tmpdir, redirect_uri, kid="k1", accounts=None, port=None):
        self.cert, self.key = os.path.join(tmpdir, "idp.pem"), os.path.join(tmpdir, "idp.key")
        if not os.path.exists(self.cert):
            make_cert(tmpdir, "idp")
        self.script, self.redirect_uri = script, redirect_uri
        self.port = port or free_port()
        self.issuer = "https://127.0.0.1:%d" % self.port
        self.start(kid, accounts)

    def start(self, kid="k1", accounts=None):
        env = dict(os.environ, OIDC_PORT=str(self.port), OIDC_CERT=self.cert, OIDC_KEY=self.key,
                   OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                   OIDC_REDIRECT_URI=self.redirect_uri, OIDC_KID=kid,
                   OIDC_ACCOUNTS=json.dumps(accounts or {}))
        self.proc = subprocess.Popen(["node", os.path.join(SOURCE, "tests", "harness", self.script)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("ready "), "%s did not start: %r" % (self.script, line)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def control(self, **mode):
        """oidc_test_idp.mjs: how the next ID token is made."""
        status, _, _ = Browser(self.cert).request("POST", self.issuer + "/control",
                                                  json.dumps(mode).encode())
        assert status == 200

    def counts(self):
        """oidc_test_idp.mjs: how often each document was read, a dict."""
        status, _, body = Browser(self.cert).request("GET", self.issuer + "/counts")
        assert status == 200, body
        return json.loads(body)


class Browser:
    """Cookies per (host, port); no script, so no storage but cookies."""

    def __init__(self, ca_file):
        self.ctx = ssl.create_default_context(cafile=ca_file)
        self.jar = {}

    def request(self, method, url, body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        origin = (u.hostname, u.port)
        if u.scheme == "https":
            c = http.client.HTTPSConnection(u.hostname, u.port, context=self.ctx, timeout=20)
        else:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
        h = dict(headers or {})
        cookies = self.jar.get(origin, {})
        if cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
        try:
            c.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=h)
            r = c.getresponse()
            text = r.read().decode(errors="replace")
            for name, value in r.getheaders():
                if name.lower() == "set-cookie":
                    self.set_cookie(origin, value)
            return r.status, {k.lower(): v for k, v in r.getheaders()}, text
        finally:
            c.close()

    def set_cookie(self, origin, header):
        name, _, rest = header.partition("=")
        value = rest.split(";")[0]
        jar = self.jar.setdefault(origin, {})
        if re.search(r";\s*max-age=0", header, re.I) or re.search(r";\s*expires=Thu, 01 Jan 1970",
                                                                  header, re.I):
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value

    def cookie_header(self, url, name):
        u = urllib.parse.urlsplit(url)
        return self.jar.get((u.hostname, u.port), {}).get(name)

    def navigate(self, url, stop, login=None, max_steps=20):
        """Follows redirects and submits forms (login: any password; as
        login when given, else as the login hint) until a Location starts
        with stop; returns that Location."""
        method, body, headers = "GET", None, {}
        for _ in range(max_steps):
            status, h, text = self.request(method, url, body, headers)
            if status in (301, 302, 303, 307, 308):
                nxt = urllib.parse.urljoin(url, h["location"])
                if nxt.startswith(stop) or h["location"].startswith(stop):
                    return h["location"]
                url, method, body, headers = nxt, "GET", None, {}
                continue
            m = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', text, re.I)
            assert status == 200 and m, "no redirect or form at %s: %d %s" % (url, status,
                                                                           text[:300])
            fields = {html.unescape(n): html.unescape(v) for n, v in
                      re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', text)}
            if 'name="password"' in text:
                fields["password"] = "any password"
                if login:
                    fields["login"] = login
            url = urllib.parse.urljoin(url, html.unescape(m.group(1)))
            method, body = "POST", urllib.parse.urlencode(fields).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        raise AssertionError("no end after %d steps at %s" % (max_steps, url))
