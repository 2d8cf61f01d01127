"""A FreeSWITCH Event Socket stand-in for tests: it answers each command by
what it is, with the bytes recorded from FreeSWITCH 1.11.1
(tests/fixtures/freeswitch-1.11/esl/*.txt) where they exist and the framing
of docs/freeswitch.md where they don't. It can also misbehave.

    esl_fixture.py --port-file F [--port N] [--password P] [--mode M] [--record FILE]
                   [--delay-ms MS [--delay-match REGEX]] [--registrations recorded]

Writes the port it listens on (127.0.0.1, N or chosen by the kernel) to F.
Modes: normal; rude (text/rude-rejection then close, as an ACL refusal);
hang (accept, never answer; records "<connected>" and, once the
client closes, "<gone>"); drop (after auth, answer half of the first
api reply, then close); err (every api answers -ERR). Each command
received is appended to --record as one line "CONNECTION<TAB>COMMAND"
(connections numbered from 1). It takes the listener's event subscription
and answers its listings: `sofia xmlstatus profile internal reg` with none
(or, with --registrations recorded, the listing recorded from FreeSWITCH:
10003 and 10004 in a.example) and `show channels as json` with none; it
sends no event. Runs until killed."""
import argparse
import os
import re
import socket
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(HERE, "..", "fixtures", "freeswitch-1.11", "esl")


EMPTY_LISTING = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<profile>\n  <registrations>\n'
                 '  </registrations>\n</profile>\n')


def load(name):
    """The recorded conversation as [(direction, bytes)]."""
    with open(os.path.join(RECORDED, name), "rb") as f:
        data = f.read()
    i, blocks = 0, []
    while i < len(data):
        m = re.match(rb"--- ([SC]) \((\d+) bytes\)\n", data[i:])
        if not m:
            raise ValueError("bad block at %d in %s" % (i, name))
        n = int(m.group(2))
        i += m.end()
        blocks.append((m.group(1).decode(), data[i:i + n]))
        i += n
        if data[i:i + 1] == b"\n":
            i += 1
    return blocks


CONV = load("api-commands.txt")
BAD_AUTH = load("auth-bad-password.txt")
GREETING = CONV[0][1]
ACCEPTED = CONV[2][1]
DENIED = BAD_AUTH[2][1]
GOODBYE = CONV[-2][1] + CONV[-1][1]
XMLSTATUS = load("sofia-xmlstatus-reg.txt")
SUBSCRIBED = load("events-plain.txt")[1][1]
REPLIES = {}
for k in range(1, len(CONV) - 1):
    if CONV[k][0] == "C" and CONV[k + 1][0] == "S":
        REPLIES.setdefault(CONV[k][1].rstrip(b"\n").decode(), CONV[k + 1][1])


def api_response(body):
    body = body.encode() if isinstance(body, str) else body
    return b"Content-Type: api/response\nContent-Length: %d\n\n%s" % (len(body), body)


def profile_status(profile):
    """`sofia status profile internal` in the layout FreeSWITCH prints."""
    rule = "=" * 97
    return ("%s\nName             \t%s\nDomain Name      \tN/A\nAuto-NAT         \tfalse\n"
            "DBName           \tsofia_reg_%s\nDialplan         \tXML\nContext          \tpublic\n"
            "SIP-IP           \t127.0.0.1\nURL              \tsip:mod_sofia@127.0.0.1:5060\n"
            "BIND-URL         \tsip:mod_sofia@127.0.0.1:5060;maddr=127.0.0.1;transport=udp,tcp\n"
            "CALLS-IN         \t0\nFAILED-CALLS-IN  \t0\nCALLS-OUT        \t0\n"
            "FAILED-CALLS-OUT \t0\nREGISTRATIONS    \t4\n%s\n" % (rule, profile, profile, rule))


def answer(command, mode, registrations=None):
    if mode == "err":
        return api_response("-ERR %s Command not found!\n" % command.split(" ")[0])
    key = "api " + command
    if key in REPLIES:
        return REPLIES[key]
    m = re.match(r"^sofia xmlstatus profile (\S+) reg$", command)
    if m:
        if m.group(1) != "internal":
            return api_response("Invalid Profile [%s]" % m.group(1))
        if registrations == "recorded":
            return XMLSTATUS[1][1]
        return api_response(EMPTY_LISTING)
    if command == "show channels as json":
        return api_response('{"row_count": 0}\n')
    m = re.match(r"^xml_flush_cache( id (\S+) (\S+))?$", command)
    if m:
        return api_response("+OK cleared 0 entries\n")
    m = re.match(r"^sofia profile (\S+) flush_inbound_reg (\S+)( reboot)?$", command)
    if m:
        if m.group(1) != "internal":
            return api_response("Invalid Profile [%s]" % m.group(1))
        return api_response("+OK rebooting all registrations matching specified call_id\n")
    # mod_voicemail and mod_commands, as a voicebox is emptied: no box
    # holds a greeting or a name here.
    if re.match(r"^vm_delete \S+@\S+$", command):
        return api_response("+OK\n")
    if re.match(r"^expand file_exists \S+$", command):
        return api_response("false")
    m = re.match(r"^sofia status profile (\S+)$", command)
    if m:
        if m.group(1) != "internal":
            return api_response("Invalid Profile [%s]" % m.group(1))
        return api_response(profile_status(m.group(1)))
    m = re.match(r"^sofia status profile (\S+) reg$", command)
    if m:
        return api_response("Invalid Profile [%s]" % m.group(1))
    return api_response("-ERR %s Command not found!\n" % command.split(" ")[0])


def read_message(conn, buf):
    while b"\n\n" not in buf[0]:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        buf[0] += chunk
    msg, buf[0] = buf[0].split(b"\n\n", 1)
    return msg.decode(errors="replace")


def record(args, lock, msg, conn_no):
    if args.record:
        with lock, open(args.record, "a") as f:
            f.write("%d\t%s\n" % (conn_no, msg))


def serve(conn, args, record_lock, conn_no):
    buf = [b""]
    try:
        if args.mode == "hang":
            # Never answers; notes when the client came and when it gave up,
            # so a test can tell probes made at once from probes in turn.
            record(args, record_lock, "<connected>", conn_no)
            try:
                while conn.recv(4096):
                    pass
            finally:             # closed or reset, the client is gone
                record(args, record_lock, "<gone>", conn_no)
            return
        if args.mode == "rude":
            body = b"Access Denied, go away.\n"
            conn.sendall(b"Content-Type: text/rude-rejection\nContent-Length: %d\n\n%s"
                         % (len(body), body))
            return
        conn.sendall(GREETING)
        msg = read_message(conn, buf)
        if msg is None:
            return
        record(args, record_lock, msg, conn_no)
        if msg != "auth " + args.password:
            conn.sendall(DENIED + BAD_AUTH[3][1])
            return
        conn.sendall(ACCEPTED)
        first = True
        while True:
            msg = read_message(conn, buf)
            if msg is None:
                return
            record(args, record_lock, msg, conn_no)
            if msg == "exit":
                conn.sendall(GOODBYE)
                return
            if msg.startswith("event plain ") and args.mode != "err":
                conn.sendall(SUBSCRIBED)
            elif msg.startswith("api "):
                reply = answer(msg[4:], args.mode, args.registrations)
                if not args.delay_match or re.search(args.delay_match, msg[4:]):
                    time.sleep(args.delay_ms / 1000.0)
                if args.mode == "drop" and first:
                    conn.sendall(reply[:len(reply) // 2])
                    return
                first = False
                conn.sendall(reply)
            else:
                conn.sendall(b"Content-Type: command/reply\nReply-Text: -ERR command not found\n\n")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--password", default="ClueCon")
    ap.add_argument("--mode", default="normal", choices=["normal", "rude", "hang", "drop", "err"])
    ap.add_argument("--record")
    ap.add_argument("--delay-ms", type=int, default=0, help="before each api reply")
    ap.add_argument("--registrations", default=None, help="recorded: the recorded listing")
    ap.add_argument("--delay-match", help="delay only the commands this regex finds")
    ap.add_argument("--port", type=int, default=0, help="0: one the kernel picks")
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(64)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, args.port_file)
    lock = threading.Lock()
    conn_no = 0
    while True:
        conn, _ = srv.accept()
        conn_no += 1
        threading.Thread(target=serve, args=(conn, args, lock, conn_no), daemon=True).start()


if __name__ == "__main__":
    main()
