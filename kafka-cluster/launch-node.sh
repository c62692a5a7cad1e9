# Sourced by start.sh and node.sh: starts node N of the cluster in RUN_DIR in the background and
# prints its pid. The node's folder (server.properties, data) must exist already.
launch_node() {
  local run_dir=$1 i=$2 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  local node_dir="$run_dir/node-$i"
  # Small heaps by default: up to three brokers share a 2-core machine with the tests.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several options
  nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/config/log4j2.properties" -Dkafka.logs.dir="$node_dir" \
    -cp "$here/.cache/libs/*" kafka.Kafka "$node_dir/server.properties" >> "$node_dir/stdout.log" 2>&1 &
  echo $!
}
