package io.github.grpo4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.config.SftTrainingSection;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyAnnotationsTest {

    interface Shared {
        @Default("1")
        int a();

        @Default("2")
        int b();
    }

    record Section(int a, @Default("3") int b, @Default("4") int c) implements Shared {}

    record Alone(int a) {}

    private static RecordComponent component(Class<?> record, String name) {
        return Arrays.stream(record.getRecordComponents()).filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void aKeyTakesItsAnnotationFromTheSharedInterfaceUnlessItHasItsOwn() {
        assertThat(KeyAnnotations.of(component(Section.class, "a"), Default.class).value()).containsExactly("1");
        assertThat(KeyAnnotations.of(component(Section.class, "b"), Default.class).value()).containsExactly("3");
        assertThat(KeyAnnotations.of(component(Section.class, "c"), Default.class).value()).containsExactly("4");
        assertThat(KeyAnnotations.of(component(Alone.class, "a"), Default.class)).isNull();
        assertThat(KeyAnnotations.of(component(Section.class, "a"), Doc.class)).isNull();
    }

    @Test
    void grpoAndWarmStartShareTheOptimiserKeysWrittenOnce() {
        for (String key : new String[] {"adamBeta1", "adamEpsilon", "weightDecay", "warmupRatio", "warmupSteps",
                "maxGradNorm"}) {
            Doc grpo = KeyAnnotations.of(component(TrainingSection.class, key), Doc.class);
            assertThat(grpo).as(key).isNotNull();
            assertThat(KeyAnnotations.of(component(SftTrainingSection.class, key), Doc.class)).as(key).isEqualTo(grpo);
        }
        // the keys whose TRL defaults differ keep their own
        assertThat(TrainingSection.defaults().adamBeta2()).isEqualTo(0.99);
        assertThat(SftTrainingSection.defaults().adamBeta2()).isEqualTo(0.999);
        assertThat(TrainingSection.defaults().adamBeta1()).isEqualTo(0.9);
        assertThat(SftTrainingSection.defaults().maxGradNorm()).isEqualTo(1.0);
    }
}
