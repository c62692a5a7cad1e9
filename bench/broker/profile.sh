#!/usr/bin/env bash
# Profiles one engine process of a running `npm run bench` in its steady state: CPU per thread (from
# /proc) and a perf recording with call graphs (cpu-clock, so it works without hardware counters).
#
#   [PROFILE_DELAY_SECONDS=5] bench/broker/profile.sh APP OUT [SECONDS]
#     APP      the engine's entry file as it appears in its command line: limit-app, limit-batch-app,
#              rivulet-app (Kafka Streams: rivulet.bench.PeerApp)
#     OUT      prefix of the files written: OUT.threads (CPU % of one core per thread, the broker's
#              JVM last) and OUT.perf
#
# Start it, then the bench with BENCH_NODE_FLAGS=--perf-basic-prof so perf can name the JIT's frames:
#   bench/broker/profile.sh limit-app /tmp/limit & BENCH_NODE_FLAGS=--perf-basic-prof npm run bench -- \
#     --workload passthrough --guarantee at_least_once --engines limit --reps 1 --records 2000000 --no-latency
#   perf report -i /tmp/limit.perf --tid MAIN_TID --children --sort sym -g none --percentage relative
set -euo pipefail
app=$1 out=$2 seconds=${3:-8}
pid=
for _ in $(seq 1 3000); do
  pid=$(pgrep -f "^[^ ]*(node|java) .*${app}" | head -1 || true)
  [ -n "$pid" ] && break
  sleep 0.2
done
[ -n "$pid" ] || { echo "profile: no process running ${app} appeared within 10 minutes" >&2; exit 1; }
broker=$(pgrep -o -f 'kafka\.Kafka' || true)
sleep "${PROFILE_DELAY_SECONDS:-5}" # past start-up and the first fetches
ticks() {
  for task in /proc/"$pid"/task/*; do
    echo "$(basename "$task") $(tr ' ' _ < "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
  done
  [ -n "$broker" ] && echo "broker broker-jvm $(awk '{print $14 + $15}' /proc/"$broker"/stat)"
}
ticks | sort > "$out.before"
perf record -o "$out.perf" -e cpu-clock -F 999 -g -p "$pid" -- sleep "$seconds" > /dev/null 2>&1
ticks | sort > "$out.after"
# Clock ticks are 1/100 s, so ticks per second is the percentage of one core.
join "$out.before" "$out.after" | awk -v s="$seconds" '{ printf "%-8s %-18s %5.1f%%\n", $1, $2, ($5 - $3) / s }' |
  sort -k3 -nr > "$out.threads"
rm -f "$out.before" "$out.after"
cat "$out.threads"
