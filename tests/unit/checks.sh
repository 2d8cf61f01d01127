# Sourced by tests/unit/test_check_*.sh: the tree's root, the python to run
# the check with, a temporary folder removed on exit, and the check itself
# ($check, scripts/check-$1.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=${PYTHON3:-/usr/bin/python3}
check="$root/scripts/check-$1.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
