package io.github.grpo4j.internal.cli;

import java.util.List;

/** The subcommands of {@code grpo4j}, in the order {@code --help} lists them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(
                new ExplainCommand(),
                new DemoCommand(),
                new TrainCommand(),
                new SftCommand(),
                new EvalCommand(),
                new GenerateCommand(),
                new MergeCommand(),
                new ReportCommand(),
                new BenchCommand());
    }
}
