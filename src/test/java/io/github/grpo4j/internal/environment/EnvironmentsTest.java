package io.github.grpo4j.internal.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.config.EnvironmentSection;
import io.github.grpo4j.environment.Environment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad {@code environment} section gets a one-line error naming the key; a good one makes a pool. */
class EnvironmentsTest {

    /** A do-nothing environment (public, with a no-argument constructor). */
    public static final class Idle implements Environment {
        @Override
        public List<Map<String, Object>> reset(Map<String, Object> row) {
            return List.of();
        }

        @Override
        public Step step(String message) {
            return Step.done(0.5);
        }
    }

    static EnvironmentSection section(String type, String className, Map<String, Object> params) {
        return new EnvironmentSection(type, className, params, 8, 60);
    }

    @Test
    void noneMeansNoPoolAndAJavaClassMakesOneInstancePerEpisode() {
        assertThat(Environments.create(EnvironmentSection.defaults(), null)).isNull();
        assertThat(EnvironmentSection.defaults().type()).isEqualTo("none");
        try (EnvironmentPool pool = Environments.create(section("java", Idle.class.getName(), Map.of()), null)) {
            EnvironmentPool.Started a = pool.start(Map.of());
            EnvironmentPool.Started b = pool.start(Map.of());
            assertThat(a.environment()).isInstanceOf(Idle.class).isNotSameAs(b.environment());
            assertThat(pool.step(a.environment(), "x")).isEqualTo(new EnvironmentPool.Outcome(List.of(), 0.5, true, null));
        }
    }

    @Test
    void badSectionsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> Environments.create(section("java", null, Map.of()), null))
                .hasMessageStartingWith("environment.class_name: must be set for type: java");
        assertThatThrownBy(() -> Environments.create(section("java", "no.such.Env", Map.of()), null))
                .hasMessage("environment.class_name: class no.such.Env is not on the classpath");
        assertThatThrownBy(() -> Environments.create(section("java", String.class.getName(), Map.of()), null))
                .hasMessageContaining("does not implement io.github.grpo4j.environment.Environment");
        assertThatThrownBy(() -> Environments.create(section("external", Idle.class.getName(), Map.of()), null))
                .hasMessageStartingWith("environment.class_name: is only used with type: java");
        assertThatThrownBy(() -> Environments.create(section("external", null, Map.of("comand", "x")), null))
                .hasMessageContaining("comand").hasMessageContaining("command");
        assertThatThrownBy(() -> Environments.create(section("java", Idle.class.getName(), Map.of()), Idle::new))
                .hasMessageContaining("both the config (type: java) and the code");
    }
}
