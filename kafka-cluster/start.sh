#!/usr/bin/env bash
# Starts a local Apache Kafka cluster in KRaft mode (no Docker): N combined broker+controller nodes
# on free 127.0.0.1 ports. Prints the bootstrap string on stdout (progress goes to stderr) and
# records the pids so stop.sh stops exactly what this started.
#
#   kafka-cluster/start.sh [--brokers N] [--dir RUN_DIR]
#
# RUN_DIR (default kafka-cluster/.run, or $KAFKA_CLUSTER_DIR) holds data, logs, pids and the
# bootstrap string. If a cluster of the same size already runs there, it is reused.
# KAFKA_HEAP_OPTS replaces the default heap (-Xms256m -Xmx512m), e.g. "-Xms1g -Xmx1g" for benchmarks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
brokers=1
run_dir=${KAFKA_CLUSTER_DIR:-$here/.run}

while [ $# -gt 0 ]; do
  case "$1" in
    --brokers) brokers=${2:?--brokers needs a number}; shift 2 ;;
    --dir) run_dir=${2:?--dir needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown argument '$1' (expected --brokers N or --dir RUN_DIR)" >&2; exit 2 ;;
  esac
done
case "$brokers" in
  1) rf=1; min_isr=1 ;;
  3) rf=3; min_isr=2 ;;
  *) echo "start.sh: --brokers must be 1 or 3 (got '$brokers')" >&2; exit 2 ;;
esac

log() { echo "kafka-cluster: $*" >&2; }

# Reuse a cluster that already runs in this folder.
if bash "$here/status.sh" --dir "$run_dir" --quiet; then
  running=$(wc -l < "$run_dir/pids")
  if [ "$running" != "$brokers" ]; then
    log "a $running-broker cluster already runs in $run_dir; stop it first (kafka-cluster/stop.sh --dir $run_dir)"
    exit 1
  fi
  log "reusing the running cluster in $run_dir"
  cat "$run_dir/bootstrap"
  exit 0
fi

bash "$here/fetch-jars.sh"
libs="$here/.cache/libs"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")

rm -rf "$run_dir"
mkdir -p "$run_dir"

# 2 ports per node: client listener and controller listener.
read -r -a ports <<< "$(node -e '
  const net = require("node:net");
  const n = Number(process.argv[1]);
  const servers = Array.from({ length: n }, () => net.createServer().listen(0, "127.0.0.1"));
  Promise.all(servers.map((s) => new Promise((r) => s.on("listening", r)))).then(() => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });' $((brokers * 2)))"

voters=""
bootstrap=""
for i in $(seq 1 "$brokers"); do
  voters+="${voters:+,}$i@127.0.0.1:${ports[$((brokers + i - 1))]}"
  bootstrap+="${bootstrap:+,}127.0.0.1:${ports[$((i - 1))]}"
done

# A random base64 UUID; one starting with '-' would read as an option to the storage tool.
cluster_id=$(node -e '
  const { randomBytes } = require("node:crypto");
  let id;
  do id = randomBytes(16).toString("base64url").slice(0, 22); while (id.startsWith("-"));
  console.log(id);')
java_cp="$libs/*"

for i in $(seq 1 "$brokers"); do
  node_dir="$run_dir/node-$i"
  mkdir -p "$node_dir/data"
  sed -e "s|@NODE_ID@|$i|" -e "s|@VOTERS@|$voters|" \
      -e "s|@PORT@|${ports[$((i - 1))]}|g" -e "s|@CONTROLLER_PORT@|${ports[$((brokers + i - 1))]}|" \
      -e "s|@LOG_DIRS@|$node_dir/data|" -e "s|@RF@|$rf|g" -e "s|@MIN_ISR@|$min_isr|g" \
      "$here/config/server.properties.template" > "$node_dir/server.properties"
  java -cp "$java_cp" -Dlog4j2.configurationFile="$here/config/log4j2.properties" -Dkafka.logs.dir="$node_dir" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$node_dir/server.properties" > "$node_dir/format.log" 2>&1 \
    || { log "formatting node $i failed:"; cat "$node_dir/format.log" >&2; exit 1; }
done

# shellcheck source=launch-node.sh
. "$here/launch-node.sh"
for i in $(seq 1 "$brokers"); do
  launch_node "$run_dir" "$i" >> "$run_dir/pids"
done
echo "$bootstrap" > "$run_dir/bootstrap"
log "starting Apache Kafka $version (KRaft, $brokers node(s)) in $run_dir"

deadline=$((SECONDS + 90))
for i in $(seq 1 "$brokers"); do
  node_dir="$run_dir/node-$i"
  pid=$(sed -n "${i}p" "$run_dir/pids")
  until grep -q "Kafka Server started" "$node_dir/server.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "node $i exited while starting; the end of its logs:"
      tail -n 30 "$node_dir/stdout.log" "$node_dir/server.log" >&2 2>/dev/null || true
      bash "$here/stop.sh" --dir "$run_dir" >/dev/null 2>&1 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "node $i did not start within 90 s; see $node_dir/server.log"
      bash "$here/stop.sh" --dir "$run_dir" >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.3
  done
done

# The cluster answers a client request (DescribeCluster) before we call it ready.
if ! answer=$(java -cp "$java_cp" -Dlog4j2.configurationFile="$here/config/log4j2.properties" -Dkafka.logs.dir="$run_dir" \
    org.apache.kafka.tools.ClusterTool cluster-id --bootstrap-server "$bootstrap" 2>&1); then
  log "the cluster does not answer at $bootstrap: $answer"
  bash "$here/stop.sh" --dir "$run_dir" >/dev/null 2>&1 || true
  exit 1
fi
log "Apache Kafka $version ready at $bootstrap ($answer)"
echo "$bootstrap"
