"""Queues on real FreeSWITCH (test_fs_queue*.py, bench/fs_queue*.py): queues,
members, statuses and inbound numbers made through agentdesk's API; what
mod_callcenter holds read over the Event Socket (`callcenter_config …`);
agents as small SIP UAs registered with their SIP passwords; callers from a
tenant's extension or from a "carrier" on 127.0.0.2 that FreeSWITCH's
inbound ACL admits unchallenged (as `agentdesk freeswitch config` tells an
operator), and the X-AD headers of a queue offer.

    qw = QueueWorld(fw)                       # fw: an FsWorld
    q = qw.queue("A", {"name": "Support", "number": "7000"})
    agent = qw.agent("A", "ann@a.example")     # Agent: id, creds, ua (registered)
    qw.members("A", q["id"], [agent])          # the whole list, level/position 1
    qw.status("A", agent, "available")
    qw.wait_cc_status(agent, "Available")
    with qw.caller("A") as caller:             # a registered extension of A
        call = qw.call(caller, "7000")         # answered by the queue at once
        offer = agent.offer()                  # the INVITE the agent got
"""
import re
import threading
import time

from .fsworld import sip
from .wait import wait_for

CARRIER = "127.0.0.2"


def table(body):
    """A `callcenter_config … list` answer as a list of dicts ([] for "+OK"
    alone)."""
    lines = [ln for ln in body.splitlines() if ln.strip()]
    assert lines and lines[-1] == "+OK", body
    if len(lines) == 1:
        return []
    cols = lines[0].split("|")
    return [dict(zip(cols, ln.split("|"))) for ln in lines[1:-1]]


class Agent:
    """An agent of a tenant: its user id, its SIP credentials (ext, realm,
    password, ws url), and a UDP UA registered with them (close it)."""

    def __init__(self, qw, key, user_id, creds):
        self.qw, self.key, self.id, self.creds = qw, key, user_id, creds
        self.ext = creds[0]
        self.ua = None

    def register(self, node=0):
        self.ua = self.qw.fw.ua("udp", self.creds, node)
        assert self.ua.register() == 200, self.ua.last
        return self

    def offer(self, timeout=10):
        """The next INVITE FreeSWITCH sent this agent, unanswered, or None."""
        return self.ua.wait_request("INVITE", timeout)

    def close(self):
        if self.ua:
            self.ua.close()
            self.ua = None


class QueueWorld:
    """Queue helpers over an FsWorld (fw)."""

    def __init__(self, fw):
        self.fw = fw
        self.agents = []

    def close(self):
        for a in self.agents:
            a.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- API
    def req(self, key, method, path, body=None, token=None):
        status, _, b = self.fw.ad.request(method, path, token=token or self.fw.admins[key],
                                          json_body=body)
        return status, b

    def queue(self, key, body):
        status, b = self.req(key, "POST", "/v1/admin/queues", body)
        assert status == 201, b
        return b["queue"]

    def patch_queue(self, key, qid, body):
        status, b = self.req(key, "PATCH", "/v1/admin/queues/%d" % qid, body)
        assert status == 200, b
        return b["queue"]

    def delete_queue(self, key, qid):
        status, b = self.req(key, "DELETE", "/v1/admin/queues/%d" % qid)
        assert status == 200, b

    def members(self, key, qid, agents):
        """The whole member list: agents, or (agent, level, position)."""
        ms = []
        for a in agents:
            a, level, position = (a, 1, 1) if isinstance(a, Agent) else a
            ms.append({"agent_id": a.id, "level": level, "position": position})
        status, b = self.req(key, "PUT", "/v1/admin/queues/%d/members" % qid, {"members": ms})
        assert status == 200, b
        return b

    def status(self, key, agent, status, reason=None):
        body = {"status": status}
        if reason:
            body["reason"] = reason
        st, b = self.req(key, "PUT", "/v1/admin/agents/%d/queue-status" % agent.id, body)
        assert st == 200, b
        return b

    def number(self, key, number, queue_id=None, extension=None):
        body = {"number": number}
        if queue_id:
            body["queue_id"] = queue_id
        if extension:
            body["extension"] = extension
        status, b = self.req(key, "POST", "/v1/admin/numbers", body)
        assert status == 201, b
        return b

    def agent(self, key, email, register=True, node=0):
        """A new agent of tenant key, its UA registered (unless not)."""
        user_id, token = self.fw.new_agent(key, email)
        a = Agent(self, key, user_id, self.fw.me(token))
        self.agents.append(a)
        return a.register(node) if register else a

    # ---- mod_callcenter, over the Event Socket
    def cc(self, command, node=0):
        return self.fw.fs[node].esl("callcenter_config " + command)

    def cc_table(self, command, node=0):
        return table(self.cc(command, node))

    def cc_status(self, agent, node=0):
        """The agent's mod_callcenter status ("Available", …), or None when
        mod_callcenter does not hold it."""
        out = self.cc("agent get status u%d" % agent.id, node).strip()
        return None if out.startswith("-ERR") else out

    def wait_cc_status(self, agent, want, node=0, timeout=20):
        return wait_for(lambda: self.cc_status(agent, node) == want, timeout=timeout,
                        what="u%d %r on FreeSWITCH (now %r)" % (agent.id, want,
                                                                 self.cc_status(agent, node)))

    def tiers(self, qid, node=0):
        return sorted((t["agent"], int(t["level"]), int(t["position"]))
                      for t in self.cc_table("queue list tiers q%d" % qid, node))

    def queues_loaded(self, node=0):
        return [q["name"] for q in self.cc_table("queue list", node)]

    def waiting(self, qid, node=0):
        return [m for m in self.cc_table("queue list members q%d" % qid, node)
                if m["state"] in ("Waiting", "Trying")]

    # ---- callers
    def caller(self, key, email=None):
        """A registered extension of tenant key (a new agent in no queue),
        to call from; close it."""
        a = self.agent(key, email or "caller%d@%s.example" % (len(self.agents), key.lower()))
        return a.ua

    def carrier(self, node=0):
        """A UA on 127.0.0.2, no credentials: a carrier's trunk. The node
        must admit it (admit_carrier)."""
        fs = self.fw.fs[node]
        return sip.UA("udp", fs.sip_port, "carrier", "127.0.0.1", "", host=CARRIER)

    def admit_carrier(self, node=0):
        """As `agentdesk freeswitch config` says (AGENTDESK_CARRIER_ADDRESSES):
        the printed <node> into the inbound ACL's list, then reloadacl."""
        rc, _, steps = self.fw.ad.run("freeswitch", "config", "--url", "http://127.0.0.1:1",
                                      env=dict(self.fw.env(),
                                               AGENTDESK_CARRIER_ADDRESSES=CARRIER))
        nodes = re.findall(r'<node type="allow" cidr="[^"]+"/>', steps)
        assert rc == 0 and nodes == ['<node type="allow" cidr="%s/32"/>' % CARRIER], steps
        fs = self.fw.fs[node]
        fs._edit("autoload_configs/acl.conf.xml",
                 [(r'(<list name="domains" default="deny">)', r"\1\n      " + nodes[0])])
        out = fs.esl("reloadacl")
        assert "+OK" in out, out

    @staticmethod
    def call(ua, number, timeout=15):
        """ua calls number: the final response (a queue answers at once)."""
        r, _ = ua.invite(number, timeout=timeout)
        return r

    def answered_by(self, agent, caller, number, timeout=15):
        """caller calls number and agent answers the offer; the INVITE."""
        t, got = self.answer_in_thread(agent, timeout)
        r = self.call(caller, number)
        assert r.code == 200, r
        t.join(timeout + 5)
        assert got and got[0] is not None, "the agent was offered nothing"
        return got[0]

    @staticmethod
    def answer_in_thread(agent, timeout=20):
        """Starts answering the agent's next offer on a thread; returns
        (thread, list that gets the INVITE or None)."""
        got = []
        t = threading.Thread(target=lambda: got.append(agent.ua.answer(timeout=timeout)))
        t.start()
        return t, got


def headers(invite):
    """The X-AD headers of an offer's INVITE: (queue id, seconds waited)."""
    qid, waited = invite.get("X-AD-Queue-Id"), invite.get("X-AD-Queue-Waited")
    return (int(qid) if qid is not None else None,
            int(waited) if waited is not None and re.fullmatch(r"\d+", waited) else waited)


def settled(fw, timeout=30):
    """Until no job of the default cluster is pending; fails on a failed one."""
    start = time.time()
    j = fw.settle(timeout)
    assert j["failed"] == 0, j
    return time.time() - start
