/** External processes started by grpo4j (external reward scorers), guarded so that none outlives the JVM. */
package io.github.grpo4j.internal.process;
