#!/usr/bin/env bash
# A Spark standalone cluster on this machine from the jars ./mvnw -B verify built (no Spark installation):
# a master on spark://127.0.0.1:PORT and WORKERS workers of one core each, every one a JVM of its own.
#
#   grpo4j-spark/bin/local-cluster.sh start [WORKERS=2] [PORT=7077]   # prints the master URL
#   grpo4j-spark/bin/local-cluster.sh stop
#
# State and logs: ${GRPO4J_CLUSTER_DIR:-/tmp/grpo4j-local-cluster}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir="${GRPO4J_CLUSTER_DIR:-/tmp/grpo4j-local-cluster}"
case "${1:-}" in
  start)
    workers="${2:-2}"
    port="${3:-7077}"
    mkdir -p "$dir/home/jars"
    # a worker puts SPARK_HOME/jars on the class path of the executors it launches
    IFS=: read -r -a entries <<< "$classpath"
    for jar in "${entries[@]}"; do
      [ -f "$jar" ] && ln -sf "$jar" "$dir/home/jars/"
    done
    export SPARK_HOME="$dir/home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
    nohup java -Xmx512m $opens -cp "$classpath" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
      --port "$port" --webui-port 0 > "$dir/master.log" 2>&1 &
    echo $! > "$dir/master.pid"
    for _ in $(seq 120); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 1
    done
    for w in $(seq "$workers"); do
      mkdir -p "$dir/worker$w"
      nohup java -Xmx512m $opens -cp "$classpath" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
        --cores 1 --memory "${WORKER_MEMORY:-2g}" --webui-port 0 --work-dir "$dir/worker$w" \
        "spark://127.0.0.1:$port" > "$dir/worker$w.log" 2>&1 &
      echo $! > "$dir/worker$w.pid"
    done
    echo "spark://127.0.0.1:$port"
    ;;
  stop)
    for f in "$dir"/*.pid; do
      [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
      rm -f "$f"
    done
    ;;
  *)
    echo "usage: $0 start [WORKERS] [PORT] | stop" >&2
    exit 2
    ;;
esac
