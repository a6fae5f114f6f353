package io.github.grpo4j.internal.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigIo;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.config.SftConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The out-of-the-box run ({@code ./grpo4j train} with no config): a tiny model from scratch on a
 * built-in task, a short supervised warm start cached in {@code <output_dir>/sft} (a second run skips
 * it), then GRPO from that model.
 */
public final class BuiltInRun {
    private BuiltInRun() {}

    static final String SFT_RESOURCE = "/io/github/grpo4j/default-sft.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Runs the warm start when its model is not cached yet, then {@code grpoRun} with the built-in GRPO
     * config that starts from the warm start's model.
     *
     * @param grpoOverrides {@code key=value} overrides of the built-in GRPO config
     * @param sftOverrides  {@code key=value} overrides of the warm start's config
     * @param grpoRun       trains with the resolved GRPO config (the command line's {@code GrpoTrainer})
     */
    public static TrainResult run(List<String> grpoOverrides, List<String> sftOverrides,
            Function<GrpoConfig, TrainResult> grpoRun, PrintStream console) {
        GrpoConfig grpo = ConfigLoader.loadBuiltIn(grpoOverrides);
        // one lock over the warm start and the GRPO run, so a second run cannot slip in between
        try (RunDirectory dir = RunDirectory.open(Path.of(grpo.outputDir()))) {
            return run(grpo, dir.path(), grpoOverrides, sftOverrides, grpoRun, console);
        }
    }

    private static TrainResult run(GrpoConfig grpo, Path out, List<String> grpoOverrides, List<String> sftOverrides,
            Function<GrpoConfig, TrainResult> grpoRun, PrintStream console) {
        Path sftModel = out.resolve("sft").resolve("final");
        if (SftRun.complete(sftModel)) {
            console.println("SFT warm start: reusing " + sftModel);
        } else {
            console.println("SFT warm start (cached in " + out.resolve("sft") + " for later runs) ...");
            new SftRun(sftConfig(grpo, out.resolve("sft"), sftOverrides), console).run();
        }
        List<String> fromSft = new java.util.ArrayList<>(grpoOverrides);
        fromSft.add("model.path=" + sftModel);
        fromSft.add("model.config=null");
        return grpoRun.apply(ConfigLoader.loadBuiltIn(fromSft));
    }

    /** The warm start's config: model, tokenizer, task and seed of the GRPO config, training from the resource. */
    static SftConfig sftConfig(GrpoConfig grpo, Path outputDir, List<String> overrides) {
        String resource = ConfigLoader.forTask(SFT_RESOURCE, List.of("data.task=" + grpo.data().task()));
        try (InputStream in = BuiltInRun.class.getResourceAsStream(resource)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sft = YAML.readValue(in, Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> resolved = YAML.readValue(ConfigIo.toYaml(grpo), Map.class);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seed", grpo.seed());
            out.put("output_dir", outputDir.toString());
            out.put("model", resolved.get("model"));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("task", grpo.data().task());
            data.put("task_options", grpo.data().taskOptions());
            data.put("max_length", grpo.data().maxPromptLength() + grpo.generation().maxCompletionLength());
            out.put("data", data);
            out.putAll(sft);
            String text = YAML.writeValueAsString(out);
            return ConfigLoader.parse(SftConfig.class, "built-in SFT warm start", new String(text.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8), overrides);
        } catch (IOException e) {
            throw new Grpo4jException("cannot build the warm start config: " + e.getMessage(), e);
        }
    }
}
