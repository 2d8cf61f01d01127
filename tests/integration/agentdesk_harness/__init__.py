"""The integration tests' one helper package (tests/integration/test_*.py
import from here, never from each other):

  runner   the test runner: main() runs every test_* function of the
           file that calls it, @only_on(backend, ...) limits one test;
           records what ran for the ctest tests_ran_check
  server   the real agentdesk binary on loopback (Agentdesk), the Event
           Socket and sshd fixtures, free ports
  wait     waiting on an observable with a deadline (wait_for, metric)
  world    a served instance with a superadmin and two tenants (World)
  prov     provisioning: restart on given nodes, settle the jobs, what
           the Event Socket fixture received
  xmlcurl  mod_xml_curl's requests and the XML answers
  files    the push modes' conf dir and the files agentdesk writes there
  fsworld  agentdesk wired to real FreeSWITCH nodes (FsWorld, fs_main);
           puts tests/harness on sys.path and re-exports its freeswitch
           and sip modules (the FreeSWITCH and SIP harnesses)
  sse      the live streams: tickets, a Server-Sent Events client,
           events appended to the log directly
  queues   queues on real FreeSWITCH: queues, members, statuses and
           numbers through the API, mod_callcenter read over the Event
           Socket, agents and callers as SIP UAs, the carrier on 127.0.0.2
  mail     the SMTP server of the mail tests (tests/harness/smtp.py) and
           readers of the messages it received
  oidc     single sign-on: the OpenID providers the tests start and a
           browser of http.client that walks the flow

Python 3 standard library only.
"""
from .files import (FOREIGN_USER, MARKER, conf_dir, contexts, files_env, sip_password,
                    user_file, user_files)
from .fsworld import DOMAINS, XMLCURL_PASSWORD, FsWorld, freeswitch, fs_main, sip
from .mail import SmtpServer, link_token, make_cert, parts
from .oidc import CLIENT_ID, CLIENT_SECRET, Browser, Provider
from .prov import (DOMAIN, PROBES, READS, changes, extension, flushes, jobs, new_agent, restart,
                   settle, voicebox)
from .queues import CARRIER, Agent, QueueWorld, headers
from .runner import main, only_on
from .sse import SseStream, append_event, open_stream, sql, ticket
from .server import (BIN, Agentdesk, EslFixture, SshdFixture, check_sanitizers, free_port,
                     parse_demo_password)
from .wait import metric, reconciler_rounds, wait_for
from .webhooks import Receiver
from .world import PASSWORD, World, clusters_settled, dumps
from .xmlcurl import (XC_PASSWORD, XC_USER, encode, is_not_found, load, lookup, parse, swap,
                      user_of)

__all__ = [
    "FOREIGN_USER", "MARKER", "conf_dir", "contexts", "files_env", "sip_password", "user_file",
    "user_files", "DOMAINS", "XMLCURL_PASSWORD", "FsWorld", "freeswitch", "fs_main", "sip",
    "SmtpServer", "link_token", "make_cert", "parts",
    "DOMAIN", "PROBES", "READS", "changes", "extension", "flushes", "jobs", "new_agent",
    "restart", "settle", "CARRIER", "Agent", "QueueWorld", "headers", "main", "only_on", "BIN", "Agentdesk", "EslFixture", "SshdFixture",
    "SseStream", "append_event", "open_stream", "sql", "ticket",
    "check_sanitizers", "free_port", "parse_demo_password", "metric", "reconciler_rounds",
    "wait_for", "PASSWORD", "World", "clusters_settled", "dumps",
    "XC_PASSWORD", "XC_USER", "encode", "is_not_found", "load", "lookup", "parse", "swap",
    "user_of",
    "voicebox", "Receiver",
]
