"""The web app as `serve` serves it: from AGENTDESK_WEB_DIR (a temp dir
filled here) and from the copy embedded at build time. Caching (immutable
assets, no-cache index.html, ETag and 304), precompressed siblings by
Accept-Encoding, the history-mode fallback and where it stops (the API's
own paths, files with an extension, other methods), path traversal,
the security headers with the Content-Security-Policy's connect-src taken
from the settings and the stored clusters, and no-store on every /v1
answer."""
import gzip
import os
import re

from agentdesk_harness import Agentdesk, main

INDEX = b'<!doctype html><html><head><script type="module" src="/assets/index-4f3a2b.js"></script>' \
        b'</head><body><div id="app"></div></body></html>\n'
APP_JS = b"console.log('the app');\n" * 200
APP_CSS = b"body{margin:0}\n" * 50
SECRET = b"SECRET-OUTSIDE-THE-WEB-ROOT\n"
IMMUTABLE = "public, max-age=31536000, immutable"
PASSWORD = "correct horse battery"


def make_site(tmpdir):
    """tmpdir/web: an app as Vite builds it, with .gz siblings; tmpdir/secret.txt
    and tmpdir/outside/ beside it, and symlinks that point out of it."""
    root = os.path.join(tmpdir, "web")
    os.makedirs(os.path.join(root, "assets"))
    os.makedirs(os.path.join(tmpdir, "outside"))
    files = {"index.html": INDEX, "assets/index-4f3a2b.js": APP_JS,
             "assets/index-9c8d7e.css": APP_CSS, "favicon.ico": b"\x00\x00\x01\x00icon"}
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    for name in ("index.html", "assets/index-4f3a2b.js"):
        with open(os.path.join(root, name + ".gz"), "wb") as f:
            f.write(gzip.compress(files[name]))
    with open(os.path.join(root, "assets/index-4f3a2b.js.br"), "wb") as f:
        f.write(b"pretend-brotli")
    for path in (os.path.join(tmpdir, "secret.txt"), os.path.join(tmpdir, "outside", "secret.txt")):
        with open(path, "wb") as f:
            f.write(SECRET)
    os.symlink(os.path.join(tmpdir, "secret.txt"), os.path.join(root, "leak.txt"))
    os.symlink("../secret.txt", os.path.join(root, "assets", "rel-leak.js"))
    os.symlink(os.path.join(tmpdir, "outside"), os.path.join(root, "out"))
    os.symlink("index-9c8d7e.css", os.path.join(root, "assets", "alias.css"))
    with open(os.path.join(root, ".env"), "wb") as f:
        f.write(SECRET)
    os.mkfifo(os.path.join(root, "assets", "pipe.js"))  # must not hang a worker
    return root


def web_server(backend, env=None):
    ad = Agentdesk(backend)
    e = {"AGENTDESK_WEB_DIR": make_site(ad.tmpdir)}
    e.update(env or {})
    ad.serve(env=e)
    return ad


def raw(ad, method, path, headers=None):
    """(status, headers, body bytes) for path sent exactly as given."""
    c = ad.connect()
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


def assert_security_headers(h, what):
    csp = h.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], (what, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (what, csp)
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in directives.get("script-src"), csp
    assert directives.get("default-src") == ["'self'"], (what, csp)
    assert directives.get("connect-src", [])[:1] == ["'self'"], (what, csp)
    assert h.get("x-content-type-options") == "nosniff", (what, h)
    assert h.get("referrer-policy") == "no-referrer", (what, h)
    return directives


def test_history_fallback_and_caching(backend):
    with web_server(backend) as ad:
        for path in ("/", "/login", "/admin/agents", "/admin/agents/12", "/desk", "/admin/",
                     "/assets", "/v1x", "/healthzz"):
            status, h, body = raw(ad, "GET", path)
            assert status == 200 and body == INDEX, (path, status, body[:200])
            assert h["content-type"] == "text/html; charset=utf-8", (path, h)
            assert h["cache-control"] == "no-cache", (path, h)
            assert_security_headers(h, path)
        status, h, body = raw(ad, "GET", "/index.html")
        assert status == 200 and body == INDEX and h["cache-control"] == "no-cache", h
        status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js")
        assert status == 200 and body == APP_JS, status
        assert h["content-type"] == "text/javascript; charset=utf-8", h
        assert h["cache-control"] == IMMUTABLE, h
        assert_security_headers(h, "asset")
        status, h, body = raw(ad, "GET", "/assets/index-9c8d7e.css")
        assert status == 200 and body == APP_CSS and h["content-type"].startswith("text/css"), h
        assert h["cache-control"] == IMMUTABLE and "vary" not in h, h
        status, h, body = raw(ad, "GET", "/favicon.ico")
        assert status == 200 and h["content-type"] == "image/x-icon", h
        assert h["cache-control"] == "no-cache", h
        # A symlink that stays inside the root is followed.
        status, _, body = raw(ad, "GET", "/assets/alias.css")
        assert status == 200 and body == APP_CSS, status
        # A missing file with an extension is a 404, not the app.
        for path in ("/assets/missing.js", "/missing.png", "/admin/agents/report.csv"):
            status, h, body = raw(ad, "GET", path)
            assert status == 404 and body != INDEX, (path, status)
            assert_security_headers(h, path)
        # The API's own paths keep their JSON 404s.
        for path in ("/v1", "/v1/nope", "/v1/admin/nope", "/freeswitch", "/freeswitch/nope",
                     "/healthz/x", "/readyz/x", "/metrics/x"):
            status, h, body = ad.request("GET", path)
            assert status == 404 and body["error"]["code"] == "not_found", (path, status, body)
        # Only GET and HEAD fall back to the app.
        for method in ("POST", "PUT", "DELETE"):
            status, _, body = ad.request(method, "/admin/agents", body=b"")
            assert status == 404 and body["error"]["code"] == "not_found", (method, body)
        status, h, body = raw(ad, "HEAD", "/login")
        assert status == 200 and body == b"" and h["content-length"] == str(len(INDEX)), h
        assert h["cache-control"] == "no-cache" and "etag" in h, h
        # The API still answers as before.
        status, _, body = ad.request("GET", "/healthz")
        assert status == 200, body


def test_precompressed_siblings(backend):
    with web_server(backend) as ad:
        status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js", {"Accept-Encoding": "gzip"})
        assert status == 200 and h.get("content-encoding") == "gzip", h
        assert gzip.decompress(body) == APP_JS
        assert h["vary"] == "Accept-Encoding" and h["cache-control"] == IMMUTABLE, h
        assert h["content-type"] == "text/javascript; charset=utf-8", h
        gz_etag = h["etag"]
        status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js")
        assert status == 200 and body == APP_JS and "content-encoding" not in h, h
        assert h["vary"] == "Accept-Encoding" and h["etag"] != gz_etag, h
        for refused in ("gzip;q=0", "gzip; q=0.0, identity", "deflate", "x-gzip2"):
            status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js",
                                  {"Accept-Encoding": refused})
            assert status == 200 and body == APP_JS and "content-encoding" not in h, (refused, h)
        status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js",
                              {"Accept-Encoding": "gzip, deflate, br"})
        assert h.get("content-encoding") == "br" and body == b"pretend-brotli", h
        status, h, body = raw(ad, "GET", "/assets/index-4f3a2b.js",
                              {"Accept-Encoding": "br;q=0, gzip;q=0.8"})
        assert h.get("content-encoding") == "gzip", h
        # The fallback sends index.html's own sibling.
        status, h, body = raw(ad, "GET", "/admin/agents", {"Accept-Encoding": "gzip"})
        assert status == 200 and h.get("content-encoding") == "gzip", h
        assert gzip.decompress(body) == INDEX and h["cache-control"] == "no-cache", h


def test_etag_and_304(backend):
    with web_server(backend) as ad:
        for path in ("/", "/assets/index-4f3a2b.js"):
            for enc in ({}, {"Accept-Encoding": "gzip"}):
                status, h, body = raw(ad, "GET", path, enc)
                etag = h["etag"]
                assert status == 200 and re.fullmatch(r'"[^"]+"', etag), h
                for inm in (etag, "W/" + etag, '"other", ' + etag, "*"):
                    hdr = dict(enc, **{"If-None-Match": inm})
                    status, h2, body = raw(ad, "GET", path, hdr)
                    assert status == 304 and body == b"", (path, inm, status)
                    assert h2["etag"] == etag and h2["cache-control"] == h["cache-control"], h2
                    assert "content-encoding" not in h2, h2
                status, _, body = raw(ad, "GET", path, dict(enc, **{"If-None-Match": '"other"'}))
                assert status == 200 and body, (path, status)
        # A changed file gets a new ETag.
        _, h, _ = raw(ad, "GET", "/favicon.ico")
        root = os.path.join(ad.tmpdir, "web")
        with open(os.path.join(root, "favicon.ico"), "wb") as f:
            f.write(b"another icon, another size")
        status, h2, body = raw(ad, "GET", "/favicon.ico", {"If-None-Match": h["etag"]})
        assert status == 200 and body == b"another icon, another size", status
        assert h2["etag"] != h["etag"], (h, h2)


def test_path_traversal(backend):
    with web_server(backend) as ad:
        paths = ["/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                 "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                 "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/assets/..\\..\\secret.txt",
                 "/leak.txt", "/assets/rel-leak.js", "/out/secret.txt", "/out/../../secret.txt",
                 "/.env", "/assets/./index-4f3a2b.js", "//secret.txt", "/index.html%00.js",
                 "/assets/index-4f3a2b.js%00", "/%00", "/../../../../../../etc/passwd",
                 "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/./secret.txt", "/assets/pipe.js"]
        for path in paths:
            for enc in ({}, {"Accept-Encoding": "gzip, br"}):
                status, h, body = raw(ad, "GET", path, enc)
                assert SECRET not in body and b"root:" not in body, (path, body[:100])
                assert status in (400, 404) or body == INDEX or \
                    gzip.decompress(body) == INDEX, (path, status, body[:100])
                if status == 404:
                    assert_security_headers(h, path)
        # Not even a fallback: a path that names a parent is refused as a whole.
        status, _, body = raw(ad, "GET", "/../secret")
        assert status == 404 and body != INDEX, status


def test_security_headers_and_connect_src(backend):
    ws = "wss://sip.example.test:7443/ws"
    with Agentdesk(backend) as ad:
        ad.run_json("user", "create", "--email", "root@platform.example", "--password", PASSWORD,
                    "--role", "superadmin")
        ad.serve(env={"AGENTDESK_WEB_DIR": make_site(ad.tmpdir), "AGENTDESK_SIP_WS_URL": ws})
        _, h, _ = raw(ad, "GET", "/")
        d = assert_security_headers(h, "/")
        assert d["connect-src"] == ["'self'", ws], d
        assert d["style-src"] == ["'self'", "'unsafe-inline'"], d
        token = ad.login("root@platform.example", PASSWORD)
        status, _, body = ad.request("POST", "/v1/admin/freeswitch/clusters", token=token, json_body={
            "name": "EU", "websocket_url": "wss://eu.example.test/sip?x=1"})
        assert status == 201, body
        eu = body["cluster"]["id"]
        status, _, body = ad.request("POST", "/v1/admin/freeswitch/clusters", token=token, json_body={
            "name": "Same", "websocket_url": ws})
        assert status == 201, body
        status, _, body = ad.request("POST", "/v1/admin/freeswitch/clusters", token=token, json_body={
            "name": "Hostile", "websocket_url": "ws://evil.test/;script-src"})
        assert status == 201, body
        # A write of this process is seen by the next page load.
        _, h, _ = raw(ad, "GET", "/admin")
        d = assert_security_headers(h, "/admin")
        assert d["connect-src"] == ["'self'", ws, "wss://eu.example.test/sip"], d
        assert "'unsafe-inline'" not in h["content-security-policy"].split("style-src")[0], h
        status, _, body = ad.request("PATCH", "/v1/admin/freeswitch/clusters/%d" % eu, token=token,
                                     json_body={"websocket_url": "ws://192.0.2.7:5066"})
        assert status == 200, body
        _, h, _ = raw(ad, "GET", "/assets/index-4f3a2b.js")
        d = assert_security_headers(h, "asset")
        assert d["connect-src"] == ["'self'", ws, "ws://192.0.2.7:5066"], d
        # Every /v1 answer is no-store: success, errors, 401, 404, 405.
        for method, path, tok in (("GET", "/v1/admin/agents", token), ("GET", "/v1/auth/me", token),
                                  ("GET", "/v1/admin/agents", None), ("GET", "/v1/nope", None),
                                  ("DELETE", "/v1/auth/login", None)):
            status, h, body = ad.request(method, path, token=tok)
            assert h.get("cache-control") == "no-store", (method, path, status, h)
        status, h, body = ad.request("POST", "/v1/auth/login",
                                     json_body={"email": "root@platform.example", "password": PASSWORD})
        assert status == 200 and h.get("cache-control") == "no-store", h
        # The operational endpoints are not the app's.
        _, h, _ = ad.request("GET", "/healthz")
        assert "content-security-policy" not in h, h


def test_web_dir_must_exist(backend):
    with Agentdesk(backend) as ad:
        ad.serve(env={"AGENTDESK_WEB_DIR": os.path.join(ad.tmpdir, "nowhere")}, wait=False)
        rc = ad.proc.wait(timeout=30)
        ad.proc = None
        ad._stderr.close()
        assert rc != 0, rc
        log = ad.log()
        assert "AGENTDESK_WEB_DIR" in log and "nowhere" in log, log


def test_embedded_app(backend):
    """Whatever the build embedded: the built app (then its assets are
    served and match web/dist when that is the source), or the page that
    says how to build it."""
    with Agentdesk(backend) as ad:
        ad.serve()
        status, h, body = raw(ad, "GET", "/")
        assert status == 200 and h["content-type"] == "text/html; charset=utf-8", h
        assert h["cache-control"] == "no-cache", h
        assert_security_headers(h, "/")
        _, h_login, body_login = raw(ad, "GET", "/login")
        assert body_login == body, "the history fallback serves the same page"
        if b"The web app is not built" in body:
            assert b"npm run build" in body and b"<script" not in body, body
            status, _, _ = raw(ad, "GET", "/assets/index-x.js")
            assert status == 404, status
            return
        assets = re.findall(rb'(?:src|href)="(/assets/[^"]+)"', body)
        assert assets, body[:500]
        for a in assets:
            status, h, data = raw(ad, "GET", a.decode(), {"Accept-Encoding": "gzip"})
            assert status == 200 and h["cache-control"] == IMMUTABLE, (a, status, h)
            if h.get("content-encoding") == "gzip":
                data = gzip.decompress(data)
            status, h2, _ = raw(ad, "GET", a.decode(), {"If-None-Match": h["etag"],
                                                        "Accept-Encoding": "gzip"})
            assert status == 304, (a, status)
            src = os.environ.get("AGENTDESK_SOURCE_DIR")
            dist = os.path.join(src, "web", "dist", a.decode().lstrip("/")) if src else None
            if dist and os.path.exists(dist):
                with open(dist, "rb") as f:
                    assert f.read() == data, a


if __name__ == "__main__":
    main()
