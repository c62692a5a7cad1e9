#!/usr/bin/env bash
# Stops the cluster that start.sh started in RUN_DIR, by the pids it recorded, and nothing else.
#   kafka-cluster/stop.sh [--dir RUN_DIR] [--clean]     (--clean also deletes RUN_DIR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${KAFKA_CLUSTER_DIR:-$here/.run}
clean=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) run_dir=${2:?--dir needs a folder}; shift 2 ;;
    --clean) clean=1; shift ;;
    *) echo "stop.sh: unknown argument '$1' (expected --dir RUN_DIR or --clean)" >&2; exit 2 ;;
  esac
done
pids_file="$run_dir/pids"
[ -f "$pids_file" ] || { echo "kafka-cluster: nothing recorded in $run_dir" >&2; exit 0; }

# Only pids whose command line still names this run folder: a recycled pid is left alone.
ours=()
while read -r pid; do
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$run_dir/"; then
    ours+=("$pid")
  fi
done < "$pids_file"

if [ ${#ours[@]} -gt 0 ]; then
  kill -TERM "${ours[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${ours[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${ours[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
fi
rm -f "$pids_file"
echo "kafka-cluster: stopped ${#ours[@]} node(s) in $run_dir" >&2
if [ $clean -eq 1 ]; then rm -rf "$run_dir"; fi
