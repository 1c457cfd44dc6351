#!/usr/bin/env bash
# Fresh-clone `make demo` (issue 15): wall time of `make demo DEMO_ARGS=--no-serve` in a
# new clone (virtualenv, install, migrations, demo users and data, collectstatic) and
# the size of the virtualenv it made. pip's cache is whatever the machine has.
# Usage: benchmarks/fresh_demo.sh [REPO [BRANCH]]   (default: this checkout, its HEAD)
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
branch=${2:-}
work=$(mktemp -d /tmp/pilar-fresh-demo.XXXXXX)
git clone -q ${branch:+-b "$branch"} "$repo" "$work/pilar"
cd "$work/pilar"
echo "commit: $(git log --oneline -1)"
echo "machine: $(nproc) CPU, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
PILAR_HOME="$work/home" make demo DEMO_ARGS=--no-serve > "$work/demo.log" 2>&1
end=$(date +%s)
echo "make demo (fresh clone, --no-serve): $((end - start)) s"
echo "virtualenv: $(du -sm .venv | cut -f1) MB"
echo "log: $work/demo.log (the clone and its embedded PostgreSQL data stay in $work)"
