"""Request shapes refused before the body is read, over a raw socket (RFC
9112 §5.1, §6.1, §6.3; RFC 9110 §5.5): a body framed two ways, an unknown
or chunked transfer coding, a field name with a space before its colon, a
NUL in a header; each answered once with a JSON error and the connection
closed, so a request piggy-backed behind it is never served. And NULs in
/freeswitch/xml's form fields ("%00"), which must not cut a name short.
And the early 413: a client that sends a whole oversized body before it
reads still reads the 413 (the rest of the body is drained for a while, as
nginx's lingering close does) instead of a connection reset."""
import base64
import socket

from agentdesk_harness import (Agentdesk, XC_PASSWORD, XC_USER, encode, load, main,
                               parse_demo_password, swap)

PIGGY = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"


def exchange(ad, data, timeout=10):
    """Sends data, reads until the server closes (or timeout): the bytes
    read and whether the server closed the connection."""
    s = socket.create_connection(("127.0.0.1", ad.port), timeout=timeout)
    out = b""
    try:
        try:
            s.sendall(data)
        except OSError:
            pass                     # closed while we still sent: read the answer
        while True:
            b = s.recv(65536)
            if not b:
                return out, True
            out += b
    except socket.timeout:
        return out, False
    except ConnectionResetError:
        return out, True
    finally:
        s.close()


def refused(ad, data, status, code):
    out, closed = exchange(ad, data)
    text = out.decode(errors="replace")
    assert closed, "the connection was kept open: %r" % text[:400]
    assert text.count("HTTP/1.1 ") == 1, "more than one answer: %r" % text[:600]
    assert text.startswith("HTTP/1.1 %d " % status), text[:400]
    assert '"code":"%s"' % code in text, text[:400]
    assert "connection: close" in text.lower(), text[:400]


def login_request(extra_headers, body):
    return (b"POST /v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" +
            extra_headers + b"\r\n" + body)


def test_body_framed_two_ways(backend):
    with Agentdesk(backend) as ad:
        ad.serve()
        # Content-Length beside chunked: a proxy reading the length would
        # send the GET on as a request of its own.
        refused(ad, login_request(b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                  b"0\r\n\r\n" + PIGGY), 400, "bad_request")
        # Two different lengths: which one ends the body?
        refused(ad, login_request(b"Content-Length: 0\r\nContent-Length: 2\r\n",
                                  b"{}" + PIGGY), 400, "bad_request")
        # A space before the colon: the name is not Transfer-Encoding to
        # libmicrohttpd, but is to a proxy that trims it.
        refused(ad, login_request(b"Transfer-Encoding : chunked\r\n", b"0\r\n\r\n" + PIGGY),
                400, "bad_request")


def test_transfer_codings(backend):
    with Agentdesk(backend) as ad:
        ad.serve()
        # An unknown coding waited for a body until the connection timed out.
        refused(ad, login_request(b"Transfer-Encoding: gzip\r\n", b"abc"), 411,
                "length_required")
        # A long chunk extension got libmicrohttpd's 500 page.
        refused(ad, login_request(b"Transfer-Encoding: chunked\r\n",
                                  b"2;" + b"e" * 100000 + b"\r\n{}\r\n0\r\n\r\n"),
                411, "length_required")
        refused(ad, login_request(b"Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n" +
                                  PIGGY), 411, "length_required")
        # What is refused is the shape, not keep-alive: a body with one
        # Content-Length (twice the same is one), then a second request on
        # the same connection, is answered twice.
        out, _ = exchange(ad, login_request(b"Content-Length: 2\r\nContent-Length: 2\r\n",
                                            b"{}") + PIGGY + b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                          b"Connection: close\r\n\r\n")
        text = out.decode(errors="replace")
        assert text.startswith("HTTP/1.1 400 ") and '"validation_failed"' in text, text[:400]
        assert text.count("HTTP/1.1 200 OK") == 2, text


def test_nul_in_header(backend):
    with Agentdesk(backend) as ad:
        _, out, _ = ad.run("demo")
        ad.serve()
        token = ad.login("admin@demo.local", parse_demo_password(out))

        def me(auth):
            return exchange(ad, b"GET /v1/auth/me HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                b"Authorization: " + auth + b"\r\n\r\n")[0].decode(errors="replace")

        assert me(b"Bearer " + token.encode()).startswith("HTTP/1.1 200 "), "the token works"
        # libmicrohttpd cut the value at the NUL: the token alone was read.
        refused(ad, b"GET /v1/auth/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                token.encode() + b"\x00junk\r\n\r\n" + PIGGY, 400, "bad_request")
        refused(ad, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Note: a\x00b\r\n\r\n" + PIGGY, 400,
                "bad_request")


def xml_lookup(ad, user):
    body = encode(swap(load("directory-sip-auth-register-udp.form"), user=user,
                       domain="127.0.0.1"))
    auth = base64.b64encode(("%s:%s" % (XC_USER, XC_PASSWORD)).encode())
    out, _ = exchange(ad, b"POST /freeswitch/xml HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                          b"Content-Type: application/x-www-form-urlencoded\r\n"
                          b"Authorization: Basic " + auth + b"\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return out.decode(errors="replace")


def test_nul_in_form_field(backend):
    with Agentdesk(backend) as ad:
        _, out, _ = ad.run("demo")
        ad.serve(env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD})
        token = ad.login("admin@demo.local", parse_demo_password(out))
        status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
            "first_name": "Jo", "last_name": "Doe", "email": "jo@acme.example"})
        assert status == 201, body
        ext = body["agent"]["extensions"][0]
        status, _, e = ad.request("GET", "/v1/admin/extensions/%d" % ext["id"], token=token)
        number, password = ext["extension"], e["extension"]["sip_password"]
        answer = xml_lookup(ad, number)
        assert 'id="%s"' % number in answer and password in answer, "the lookup works"
        # "%00" decoded to a NUL and cut the name: user 2001's password.
        for user in (number + "%00x", number + "%00"):
            answer = xml_lookup(ad, user)
            assert answer.startswith("HTTP/1.1 200 "), answer[:300]
            assert password not in answer and 'id="%s"' % number not in answer, answer


def test_early_413_survives_a_body_sent_before_reading(backend):
    with Agentdesk(backend) as ad:
        ad.serve()
        body = b"x" * (5 * 1024 * 1024)
        for _ in range(3):
            # The way curl -d @file and most scripts behave: the whole
            # body goes out before anything is read. The server answers
            # after the header section; without the drain its close()
            # with the body unread sends a reset, which destroys the
            # answer waiting in our receive buffer.
            s = socket.create_connection(("127.0.0.1", ad.port), timeout=10)
            try:
                s.sendall(b"POST /v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                          b"Content-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
                out = b""
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    out += b
            finally:
                s.close()
            text = out.decode(errors="replace")
            assert text.startswith("HTTP/1.1 413 "), text[:400]
            assert '"code":"payload_too_large"' in text, text[:400]
            assert text.count("HTTP/1.1 ") == 1, text[:600]
        # The server is still whole and answers.
        status, _, _ = ad.request("GET", "/healthz")
        assert status == 200


if __name__ == "__main__":
    main()
