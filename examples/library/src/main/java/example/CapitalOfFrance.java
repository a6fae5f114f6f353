package example;

import io.github.grpo4j.GrpoTrainer;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicies;
import io.github.grpo4j.policy.TransformerPolicy;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's question, "What is the capital of France?", trained with GRPO from Java: a tiny
 * transformer built from scratch, a reward written as a lambda, and a step listener.
 *
 * <p>From this directory, after {@code ./mvnw install} in the grpo4j root: {@code ../../mvnw test} runs it
 * through its test; {@code ../../mvnw -q compile exec:java} runs {@link #main} (prints the reward every 50
 * steps and the answer before and after, about 15 s on 2 cores).
 */
public final class CapitalOfFrance {

    static final String QUESTION = "What is the capital of France?";

    /**
     * The reward: 1 for exactly the row's answer, less 0.2 for each edit (insert, delete, replace) away
     * from it, 0 at five edits or more. A dense signal that a model trained from scratch can climb.
     */
    static double reward(String completion, String answer) {
        String c = completion.strip();
        int[] prev = new int[answer.length() + 1];
        for (int j = 0; j <= answer.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= c.length(); i++) {
            int[] cur = new int[answer.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= answer.length(); j++) {
                int replace = prev[j - 1] + (c.charAt(i - 1) == answer.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(replace, Math.min(prev[j], cur[j - 1]) + 1);
            }
            prev = cur;
        }
        return Math.max(0.0, 1.0 - prev[answer.length()] / 5.0);
    }

    /** What {@link #train} returns: the run, each step's mean reward, the greedy answer before and after. */
    record Outcome(TrainResult result, List<Double> rewards, String answerBefore, String answerAfter) {}

    /** Trains a fresh tiny model for {@code steps} steps in {@code outputDir}, saves it to {@code outputDir/model}. */
    static Outcome train(Path outputDir, int steps, PrintStream out) {
        // A Qwen2-shaped model, 2 layers, hidden size 32, over the characters of the question and answers.
        Map<String, Object> tiny = Map.of("model_type", "qwen2", "hidden_size", 32, "intermediate_size", 64,
                "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", 2,
                "max_position_embeddings", 64, "tie_word_embeddings", true);
        ModelSection model = new ModelSection(null, tiny, "char:" + QUESTION + "PLBMdn", null);
        SamplingParams greedy = SamplingParams.greedy(8);
        List<Double> rewards = new ArrayList<>();
        try (TransformerPolicy policy = TransformerPolicies.fromConfig(model, 7);
                GrpoTrainer trainer = GrpoTrainer.builder()
                        .policy(policy)
                        .prompts(List.of(Map.of("prompt", QUESTION, "answer", "Paris")))
                        .reward("edit_distance", (prompt, completion, row) -> reward(completion, (String) row.get("answer")))
                        .set("training.max_steps=" + steps,
                                "training.per_step_prompts=1",
                                "generation.num_generations=16",       // G, the group size
                                "generation.max_completion_length=8",
                                "training.learning_rate=1e-2",         // high, for a tiny model from scratch
                                "loss.beta=0.04",                      // KL weight (DeepSeekMath's value)
                                "checkpoint.save_steps=0",             // a checkpoint at the end only
                                "output_dir=" + outputDir)
                        .console(new PrintStream(OutputStream.nullOutputStream())) // the listener reports instead
                        .onStep(step -> {
                            rewards.add(step.metric("reward"));
                            if (step.step() % 50 == 0) {
                                out.printf("step %3d  reward %.3f  kl %.4f  e.g. '%s'%n", step.step(), step.metric("reward"),
                                        step.metric("kl"), step.samples().get(0).completion());
                            }
                        })
                        .build()) {
            String before = policy.complete(QUESTION, 1, greedy, 0).get(0);
            TrainResult result = trainer.train();
            String after = policy.complete(QUESTION, 1, greedy, 0).get(0);
            trainer.save(outputDir.resolve("model")); // a Hugging Face directory
            return new Outcome(result, rewards, before, after);
        }
    }

    public static void main(String[] args) {
        // The PyTorch natives come from Maven Central (pytorch-native-cpu): DJL must not try to download them.
        System.setProperty("ai.djl.offline", "true");
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/capital-of-france");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Outcome o = train(dir, steps, System.out);
        System.out.printf("greedy answer before: '%s'  after: '%s'  (%.1f s)%n", o.answerBefore(), o.answerAfter(),
                o.result().seconds());
        System.out.printf("model saved to %s%n", dir.resolve("model"));
    }
}
