#!/bin/sh
# The README's test command: install what is missing, build, run every test.
set -u
cd "$(dirname "$0")/.." || exit 2
sh scripts/deps.sh all || { echo "0 passed, 1 failed"; exit 1; }
exec sh tests/run-all.sh
