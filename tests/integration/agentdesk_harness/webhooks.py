"""A webhook receiver on 127.0.0.1 (http.server in a thread) for the
webhook tests: it records every request by path; /flaky answers 500 to its
first request, /redirect a 302 to /target, any other path 200. With cert
((certificate, key) files) it speaks HTTPS."""
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .server import free_port


class Receiver:
    def __init__(self, cert=None):
        self.lock = threading.Lock()
        self.got = []
        self.when = []               # time.perf_counter() of each request, as got
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.got.append((self.path, dict(self.headers), body.decode()))
                    receiver.when.append(time.perf_counter())
                    n = sum(1 for p, _, _ in receiver.got if p == self.path)
                if self.path == "/flaky" and n == 1:
                    self.send_response(500)
                elif self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/target")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.scheme = "http"
        if cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*cert)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path, host="127.0.0.1"):
        return "%s://%s:%d%s" % (self.scheme, host, self.port, path)

    def at(self, path):
        """(headers, body) of each request to path, in order."""
        with self.lock:
            return [(h, b) for p, h, b in self.got if p == path]

    def events(self, path):
        return [json.loads(b) for _, b in self.at(path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
