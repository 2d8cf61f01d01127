"""Compatibility: moved to agentdesk_harness/prov.py; import from
agentdesk_harness."""
from agentdesk_harness.prov import (DOMAIN, PROBES, changes, extension, flushes,  # noqa: F401
                                    jobs, new_agent, restart, settle)
