package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExitGateTest {

    @Test
    void theHookWaitsForTheStepInFlightAndNoStepStartsAfterIt() throws Exception {
        ExitGate gate = new ExitGate(); // not the process's gate: this one is never released
        CountDownLatch inStep = new CountDownLatch(1);
        AtomicBoolean stepEnded = new AtomicBoolean();
        Thread running = new Thread(() -> {
            try (ExitGate.Pass pass = gate.enter()) {
                inStep.countDown();
                sleep(400);
                stepEnded.set(true);
            }
        });
        running.start();
        assertThat(inStep.await(10, TimeUnit.SECONDS)).as("precondition: a step is in flight").isTrue();
        assertThat(stepEnded).as("precondition: the step has not ended yet").isFalse();

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean shut = gate.shut(Duration.ofSeconds(30), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(shut).isTrue();
        assertThat(stepEnded).as("the hook returned only after the step in flight ended").isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("stopping after the current step");

        AtomicBoolean nextStepRan = new AtomicBoolean();
        Thread next = new Thread(() -> {
            try (ExitGate.Pass pass = gate.enter()) {
                nextStepRan.set(true);
            }
        });
        next.setDaemon(true); // stays blocked for good, as the main thread of an ending JVM does
        next.start();
        next.join(300);
        assertThat(next.isAlive()).as("the next step waits at the gate").isTrue();
        assertThat(nextStepRan).isFalse();
    }

    @Test
    void betweenStepsTheHookShutsTheGateAtOnceAndSaysNothing() {
        ExitGate gate = new ExitGate();
        try (ExitGate.Pass pass = gate.enter()) {
            assertThat(pass).isNotNull();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        assertThat(gate.shut(Duration.ofSeconds(30), new PrintStream(err, true, StandardCharsets.UTF_8))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(err.size()).isZero();
    }

    @Test
    void aStepLongerThanThePatienceLetsTheJvmEndAnyway() throws Exception {
        ExitGate gate = new ExitGate();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread running = new Thread(() -> {
            try (ExitGate.Pass pass = gate.enter()) {
                inStep.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.start();
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.shut(Duration.ofMillis(200), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isFalse();
        release.countDown();
        running.join(10_000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
