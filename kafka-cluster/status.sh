#!/usr/bin/env bash
# Says whether the cluster recorded in RUN_DIR runs: exit 0 if every recorded node is alive.
#   kafka-cluster/status.sh [--dir RUN_DIR] [--quiet]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${KAFKA_CLUSTER_DIR:-$here/.run}
quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) run_dir=${2:?--dir needs a folder}; shift 2 ;;
    --quiet) quiet=1; shift ;;
    *) echo "status.sh: unknown argument '$1' (expected --dir RUN_DIR or --quiet)" >&2; exit 2 ;;
  esac
done
say() { [ $quiet -eq 1 ] || echo "$*"; }
if [ ! -f "$run_dir/pids" ]; then say "stopped (nothing recorded in $run_dir)"; exit 1; fi
up=0; total=0
while read -r pid; do
  total=$((total + 1))
  kill -0 "$pid" 2>/dev/null && up=$((up + 1))
done < "$run_dir/pids"
if [ $up -eq $total ] && [ $total -gt 0 ]; then
  say "running: $total node(s) at $(cat "$run_dir/bootstrap")"
  exit 0
fi
say "degraded: $up of $total node(s) alive (pids in $run_dir/pids); stop.sh cleans up"
exit 1
