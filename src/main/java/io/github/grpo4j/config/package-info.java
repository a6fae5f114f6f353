/**
 * The configuration of a GRPO run as records: {@link io.github.grpo4j.config.GrpoConfig} and its
 * sections, with TRL's {@code GRPOConfig} names and defaults. The same keys are the YAML/JSON config
 * file's ({@code docs/configuration.md} lists them); each record component's Javadoc gives its key,
 * default, valid values and the paper it comes from.
 */
package io.github.grpo4j.config;
