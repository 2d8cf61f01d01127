"""Compatibility: the harness moved to the agentdesk_harness package
(agentdesk_harness/server.py). New code imports from agentdesk_harness."""
from agentdesk_harness.server import *  # noqa: F401,F403
from agentdesk_harness.server import (HERE, PG_SH, SANITIZER_MARKS, TESTS,  # noqa: F401
                                      backend_url, check_sanitizers)
