package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Entry point of the {@code grpo4j} command. Each verb is its own command class. */
@Command(
        name = "grpo4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "GRPO (Group Relative Policy Optimization) for the JVM.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (default: ${DEFAULT-VALUE}).")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; used by tests too. */
    public static int execute(String... args) {
        Engines.configureDefaults();
        return commandLine().execute(args);
    }

    /** The configured command line, with every subcommand registered. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        for (Object sub : Commands.all()) {
            cli.addSubcommand(sub);
        }
        cli.setExecutionExceptionHandler(Main::handleError);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        if (e instanceof Grpo4jException) {
            cmd.getErr().println("error: " + e.getMessage());
            if (debug) {
                e.printStackTrace(cmd.getErr());
            }
            return 2;
        }
        cmd.getErr().println("internal error: " + e);
        if (debug) {
            e.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("(run with --debug for the stack trace)");
        }
        return 1;
    }
}
