"""mod_xml_curl's side of /freeswitch/xml: the request bodies a real
FreeSWITCH 1.11.1 sent (tests/fixtures/freeswitch-1.11/xml_curl) with user,
domain or context swapped in, sent as FreeSWITCH sends them, and readers
of the XML answers."""
import base64
import os
import xml.etree.ElementTree as ET

from .server import TESTS

FIXTURES = os.path.join(TESTS, "fixtures", "freeswitch-1.11", "xml_curl")
XC_USER, XC_PASSWORD = "freeswitch", "xc-secret-1"
USER_KEYS = {"user", "sip_auth_username", "sip_contact_user", "sip_to_user", "sip_from_user"}
DOMAIN_KEYS = {"domain", "sip_auth_realm", "sip_to_host", "sip_from_host", "sip_request_host"}


def load(name):
    """The recorded body as (key, raw value) pairs, in order."""
    with open(os.path.join(FIXTURES, name)) as f:
        body = f.read().strip()
    return [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in body.split("&")]


def swap(pairs, user=None, domain=None, context=None):
    out = []
    for k, v in pairs:
        if user is not None and k in USER_KEYS:
            v = user
        if domain is not None and (k in DOMAIN_KEYS or (k == "key_value" and v)):
            v = domain
        if context is not None and k in ("Hunt-Context", "Caller-Context"):
            v = context
        out.append((k, v))
    return out


def encode(pairs):
    return "&".join("%s=%s" % kv for kv in pairs).encode()


def lookup(ad, body, auth=(XC_USER, XC_PASSWORD), port=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "User-Agent": "freeswitch-xml/1.0", "Accept": "*/*"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(
            ("%s:%s" % auth).encode()).decode()
    saved = ad.port
    if port:
        ad.port = port
    try:
        return ad.request("POST", "/freeswitch/xml", body=body, headers=headers)
    finally:
        ad.port = saved


def parse(text):
    return ET.fromstring(text)


def is_not_found(doc):
    r = doc.find("./section[@name='result']/result")
    return r is not None and r.get("status") == "not found"


def user_of(doc):
    return doc.find("./section[@name='directory']/domain/groups/group/users/user")
