# Shared by spark-submit.sh and local-cluster.sh: the jars ./mvnw -B verify built, and the JVM options Spark
# needs on Java 17 (what a Spark distribution's launcher adds).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GRPO4J_SPARK_BUILD:-$root/target/spark/grpo4j-spark/target}"
if [ ! -f "$build/classpath.txt" ]; then
  echo "grpo4j: $build/classpath.txt is missing: build the module first with ./mvnw -B verify (docs/distributed.md)" >&2
  exit 2
fi
app="$(ls "$build"/grpo4j-spark-*.jar | grep -v -e sources -e javadoc | head -1)"
classpath="$app:$(cat "$build/classpath.txt")"
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
opens="$opens --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
opens="$opens --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
opens="$opens --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
opens="$opens --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
opens="$opens --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED"
opens="$opens --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# glibc maps freed-and-reallocated tensors with transparent huge pages where the kernel allows them on
# request (madvise): a large model's step allocates gigabytes of fresh temporaries, and 2 MiB pages fault
# 512 times less often than 4 KiB ones (0.5B-shaped bench step: 26.7 s instead of 32.0 s; docs/performance.md)
case "${GLIBC_TUNABLES:-}" in
  *glibc.malloc.hugetlb=*) ;;
  "") export GLIBC_TUNABLES=glibc.malloc.hugetlb=1 ;;
  *) export GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.hugetlb=1" ;;
esac
