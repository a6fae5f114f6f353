/**
 * Text to token ids and back.
 *
 * <ul>
 *   <li>{@link io.github.grpo4j.internal.tokenizer.Tokenizer}: the contract the trainer and sampler use.</li>
 *   <li>{@link io.github.grpo4j.internal.tokenizer.CharTokenizer}: one token per character for the built-in
 *       tasks; fixed ids 0 &lt;pad&gt;, 1 &lt;bos&gt;, 2 &lt;eos&gt;, then the alphabet; saved as
 *       {@code char_tokenizer.json} (and optionally exported as a Hugging Face {@code tokenizer.json}).</li>
 *   <li>{@link io.github.grpo4j.internal.tokenizer.HfTokenizer}: a Hugging Face model directory's
 *       {@code tokenizer.json} through DJL's tokenizers binding, special tokens from its config files.</li>
 *   <li>{@link io.github.grpo4j.internal.tokenizer.ChatTemplate}: renders chat messages exactly as transformers'
 *       {@code apply_chat_template} does, with our own Jinja-subset interpreter
 *       ({@link io.github.grpo4j.internal.tokenizer.jinja.JinjaTemplate}); jinjava, the available Java Jinja
 *       engine, renders real templates (Qwen3's) wrongly or not at all.</li>
 *   <li>{@link io.github.grpo4j.internal.tokenizer.Tokenizers#load}: whichever of the two a directory holds.</li>
 * </ul>
 */
package io.github.grpo4j.internal.tokenizer;
