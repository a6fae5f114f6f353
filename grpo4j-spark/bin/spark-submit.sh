#!/usr/bin/env bash
# Submits a grpo4j run through org.apache.spark.deploy.SparkSubmit, the class a Spark distribution's
# bin/spark-submit execs, from the jars ./mvnw -B verify built (no Spark installation needed):
#
#   grpo4j-spark/bin/spark-submit.sh MASTER --config FILE [--resume] [--set key=value ...]
#
# MASTER: local[2], or spark://host:7077 (e.g. the one grpo4j-spark/bin/local-cluster.sh starts). The driver
# runs here (client mode); the executors get the same jars on spark.executor.extraClassPath, so on a real
# cluster the paths must exist on every worker (shared storage), and so must the paths in the config.
# Extra spark-submit options: SPARK_SUBMIT_OPTS, e.g. "--conf spark.executor.memory=4g".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [ $# -lt 1 ]; then
  echo "usage: $0 MASTER --config FILE [--resume] [--set key=value ...]" >&2
  exit 2
fi
master="$1"
shift
exec java ${GRPO4J_JAVA_OPTS:-} $opens -Dai.djl.offline=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="${GRPO4J_SPARK_LOG_LEVEL:-warn}" -cp "$classpath" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --deploy-mode client --name grpo4j --class io.github.grpo4j.spark.SparkGrpo \
  --conf spark.executor.cores=1 \
  --conf "spark.executor.extraClassPath=$classpath" \
  --conf "spark.executor.extraJavaOptions=$opens -Dai.djl.offline=true" \
  --conf spark.ui.enabled=false \
  ${SPARK_SUBMIT_OPTS:-} \
  "$app" "$@"
