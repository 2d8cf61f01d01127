"""Compatibility: moved to agentdesk_harness/world.py; import from
agentdesk_harness."""
from agentdesk_harness.world import PASSWORD, World, dumps  # noqa: F401
