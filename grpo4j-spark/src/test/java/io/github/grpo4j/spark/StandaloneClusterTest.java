package io.github.grpo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster on localhost (a master and two workers, each a JVM of its own started from the
 * jars on this test's classpath, no downloads; each worker launches its executor JVM) gives the same run as
 * the plain single-machine run, while one executor is lost in the middle of a step: it halts its JVM in the step's second
 * update, Spark recomputes its persisted rollouts from the lineage and retries its tasks. Each executor
 * starts an external reward process of its own and ends it with the JVM ({@link ExternalScorer}).
 */
class StandaloneClusterTest {

    static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
            + "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED "
            + "--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED "
            + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
            + "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED "
            + "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false";

    @Test
    void twoWorkersEqualOneMachineThoughAnExecutorIsLostMidStep(@TempDir Path dir) throws Exception {
        // SPARK_HOME with jars/ linking the classpath's jars: what a worker puts on its executors' classpath
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        List<String> dirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                dirs.add(p.toString()); // the module's classes: on the executors' extra classpath
            } else if (entry.endsWith(".jar") && Files.exists(p)) {
                Path link = home.resolve("jars").resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        List<Process> cluster = new ArrayList<>();
        try {
            cluster.add(start(home, dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
            waitForPort(port, 180);
            for (int w = 1; w <= 2; w++) {
                Path work = Files.createDirectories(dir.resolve("worker" + w));
                cluster.add(start(home, dir.resolve("worker" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port",
                        String.valueOf(freePort()), "--work-dir", work.toString(), master));
            }
            Path marker = dir.resolve("executor-lost");
            List<Map<String, float[]>> one = new ArrayList<>(), spark = new ArrayList<>();
            Path scorer = ExternalScorer.write(dir);
            SparkEquivalenceTest.plainRun(ExternalScorer.config(dir.resolve("one"), scorer, dir.resolve("one.log")), one);
            SparkConf conf = new SparkConf().setMaster(master).setAppName("grpo4j-cluster-test")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.executor.cores", "1").set("spark.cores.max", "2").set("spark.executor.memory", "1g")
                    .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s")
                    .set("spark.executor.extraClassPath", String.join(File.pathSeparator, dirs))
                    .set("spark.executor.extraJavaOptions", OPENS + " -Dai.djl.offline=true"
                            + " -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
                            + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
                            + " -D" + ExecutorLoss.PROPERTY + "=" + marker);
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                SparkEquivalenceTest.run(ExternalScorer.config(dir.resolve("spark"), scorer, dir.resolve("spark.log"))).stepRunner(
                        ObservedRunner.recordingGradients(DistributedStepRunner.factory(
                                (yaml, ref) -> new SparkShards(sc, false, yaml, ref)), spark))
                        .run(false);
            }
            assertThat(marker).as("an executor was lost mid-step").exists();
            // one run on one machine: one scorer process, ended by the run
            assertThat(ExternalScorer.events(dir.resolve("one.log"), 0)).containsExactly(1, 1);
            // one scorer process per executor (the lost one's killed with its JVM, its replacement's own), each
            // started by the executor's first task and ended when the application stopped
            int[] events = ExternalScorer.events(dir.resolve("spark.log"), 120);
            assertThat(events[0]).as("scorer processes started").isBetween(2, 3);
            // the lost executor's scorer may see its input close before the watchdog's SIGKILL, or not
            assertThat(events[1]).as("scorer processes ended by their executor").isBetween(events[0] - 1, events[0]);
            SparkEquivalenceTest.assertSameGradients(one, spark);
            SparkEquivalenceTest.assertSameRun(dir.resolve("one"), dir.resolve("spark"));
        } finally {
            for (Process p : cluster) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private static Process start(Path sparkHome, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(List.of(OPENS.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the Spark master did not open port " + port + " in " + seconds + " s");
    }
}
