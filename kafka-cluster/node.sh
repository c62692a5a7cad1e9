#!/usr/bin/env bash
# Kills or restarts one node of a cluster that start.sh started, for fault tests:
#   kafka-cluster/node.sh kill  N [--dir RUN_DIR]   SIGKILL node N (no clean shutdown)
#   kafka-cluster/node.sh start N [--dir RUN_DIR]   start node N again on its data; waits until it serves
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${KAFKA_CLUSTER_DIR:-$here/.run}
action=${1:-}
node=${2:-}
shift 2 || true
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) run_dir=${2:?--dir needs a folder}; shift 2 ;;
    *) echo "node.sh: unknown argument '$1' (expected --dir RUN_DIR)" >&2; exit 2 ;;
  esac
done
pids_file="$run_dir/pids"
[ -f "$pids_file" ] || { echo "node.sh: no cluster recorded in $run_dir" >&2; exit 1; }
count=$(wc -l < "$pids_file")
case "$node" in
  ''|*[!0-9]*) echo "node.sh: usage: node.sh kill|start N [--dir RUN_DIR] (N from 1 to $count)" >&2; exit 2 ;;
esac
if [ "$node" -lt 1 ] || [ "$node" -gt "$count" ]; then
  echo "node.sh: node $node does not exist (the cluster in $run_dir has nodes 1 to $count)" >&2; exit 2
fi
pid=$(sed -n "${node}p" "$pids_file")
node_dir="$run_dir/node-$node"
alive() { [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$run_dir/"; }

case "$action" in
  kill)
    if alive; then kill -KILL "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; fi
    echo "kafka-cluster: node $node killed" >&2 ;;
  start)
    if alive; then echo "kafka-cluster: node $node already runs (pid $pid)" >&2; exit 0; fi
    started_before=$(grep -c "Kafka Server started" "$node_dir/server.log" 2>/dev/null || true)
    # shellcheck source=launch-node.sh
    . "$here/launch-node.sh"
    new_pid=$(launch_node "$run_dir" "$node")
    sed -i "${node}s/.*/$new_pid/" "$pids_file"
    deadline=$((SECONDS + 90))
    until [ "$(grep -c "Kafka Server started" "$node_dir/server.log" 2>/dev/null || true)" -gt "$started_before" ]; do
      kill -0 "$new_pid" 2>/dev/null || { echo "node.sh: node $node exited while starting; see $node_dir/server.log" >&2; exit 1; }
      [ $SECONDS -lt $deadline ] || { echo "node.sh: node $node did not start within 90 s; see $node_dir/server.log" >&2; exit 1; }
      sleep 0.3
    done
    echo "kafka-cluster: node $node started again (pid $new_pid)" >&2 ;;
  *) echo "node.sh: usage: node.sh kill|start N [--dir RUN_DIR]" >&2; exit 2 ;;
esac
