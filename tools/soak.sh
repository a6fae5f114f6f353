#!/usr/bin/env bash
# Soak: runs the built-in training for many steps and samples the JVM's resident memory (VmRSS) while it
# trains, to show that memory stays flat over a long run (no native-memory leak per step).
#
#   tools/soak.sh [STEPS] [OUTPUT_DIR] [WARMUP_STEP]      (defaults: 1000, runs/soak, 100)
#
# Writes OUTPUT_DIR/rss.tsv (seconds, steps logged so far, VmRSS in KiB) every 5 s, and at the end
# prints the RSS at the first sample at or after WARMUP_STEP, at the end, the growth between them, and
# the peak (VmHWM). Exits 1 when the growth after warm-up is 5 % or more. The training's own output goes
# to OUTPUT_DIR/train.log. Any `grpo4j train` option can follow in GRPO4J_TRAIN_ARGS; the command
# that runs grpo4j can be replaced with GRPO4J (e.g. "java -Dai.djl.offline=true -jar a/copy.jar", so
# that rebuilding the jar during a long soak does not touch the running one). JVM options come from
# GRPO4J_JAVA_OPTS (default -Xms640m -Xmx640m -XX:+AlwaysPreTouch, see below); a GRPO4J command must
# carry its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-1000}"
out="${2:-runs/soak}"
warmup="${3:-100}"
grpo4j="${GRPO4J:-$root/grpo4j}"
# A fixed, pre-touched Java heap: with the default (a quarter of RAM) the JVM grows its heap in steps long
# before it needs to collect, and even under -Xmx alone the collector touches fresh heap pages for many
# minutes; RSS then climbs by tens to hundreds of MB without any leak (measured: +28 % by step 700 with
# the default heap, +9.8 % with -Xmx640m). With every heap page resident from the start, RSS can only
# grow from native memory (libtorch, the JVM's own) and a Java leak ends in OutOfMemoryError instead of
# hiding in heap growth. The live heap of the built-in run is about 50 MB, so 640 MB is ample.
export GRPO4J_JAVA_OPTS="${GRPO4J_JAVA_OPTS:--Xms640m -Xmx640m -XX:+AlwaysPreTouch}"
interval=5

if [ -e "$out" ]; then
  echo "soak: $out exists; give a new output directory" >&2
  exit 2
fi
mkdir -p "$out"
rss_file="$out/rss.tsv"
echo -e "seconds\tstep\trss_kib" > "$rss_file"

# shellcheck disable=SC2086  # GRPO4J and GRPO4J_TRAIN_ARGS are word lists on purpose
$grpo4j train --steps "$steps" --output-dir "$out/run" ${GRPO4J_TRAIN_ARGS:-} > "$out/train.log" 2>&1 &
launcher=$!
trap 'kill "$launcher" 2>/dev/null || true' INT TERM

# the launcher execs java when the jar is built; find the JVM either way
jvm() {
  local p
  for p in "$launcher" $(pgrep -P "$launcher" 2>/dev/null || true); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ]; then echo "$p"; return; fi
  done
}

start=$(date +%s)
peak=0
while kill -0 "$launcher" 2>/dev/null; do
  pid="$(jvm)"
  if [ -n "$pid" ]; then
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    step=0
    [ -f "$out/run/metrics.jsonl" ] && step=$(wc -l < "$out/run/metrics.jsonl")
    if [ -n "$rss" ]; then
      echo -e "$(( $(date +%s) - start ))\t$step\t$rss" >> "$rss_file"
      [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    fi
  fi
  sleep "$interval"
done
status=0
wait "$launcher" || status=$?
if [ "$status" -ne 0 ]; then
  echo "soak: training failed (exit $status); see $out/train.log" >&2
  exit "$status"
fi

awk -F'\t' -v warmup="$warmup" -v peak="$peak" -v steps="$steps" 'NR > 1 {
    if (base == "" && $2 >= warmup) { base = $3; base_step = $2 }
    last = $3; last_step = $2; n++
  }
  END {
    if (base == "") { print "soak: no sample after the warm-up step " warmup > "/dev/stderr"; exit 2 }
    growth = 100 * (last - base) / base
    printf "soak: %d steps, %d RSS samples\n", steps, n
    printf "RSS at step %d (after warm-up): %.0f MiB\n", base_step, base / 1024
    printf "RSS at step %d (last sample):   %.0f MiB\n", last_step, last / 1024
    printf "growth after warm-up: %+.2f %%   peak RSS (VmHWM): %.0f MiB\n", growth, peak / 1024
    exit (growth < 5 ? 0 : 1)
  }' "$rss_file"
