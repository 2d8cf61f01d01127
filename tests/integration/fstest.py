"""Compatibility: moved to agentdesk_harness/fsworld.py; import from
agentdesk_harness (where run is fs_main)."""
from agentdesk_harness.fsworld import (DOMAINS, PASSWORD, XMLCURL_PASSWORD,  # noqa: F401
                                       FsWorld, freeswitch, sip)
from agentdesk_harness.fsworld import fs_main as run  # noqa: F401
