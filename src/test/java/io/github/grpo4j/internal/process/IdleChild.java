package io.github.grpo4j.internal.process;

import java.nio.file.Path;

/**
 * A JVM holding one idle child that, like a JSON-lines scorer, ends on its own when its input closes:
 * {@code main(log)} starts {@code sh -c 'while read -r line; do :; done; echo end >> log'} (a builtin read: no descendant whose death would look like an end of input), prints {@code ready} and waits.
 */
public final class IdleChild {
    private IdleChild() {}

    /** @param args the log the child appends {@code end} to when its input closes */
    public static void main(String[] args) throws Exception {
        ChildProcess.start(new ProcessBuilder("sh", "-c", "while read -r line; do :; done; echo end >> \"$0\"", args[0]));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
