package io.github.grpo4j.internal.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face tokenizer from a local model directory: {@code tokenizer.json} through DJL's
 * tokenizers binding (native library shipped in its jar; nothing is downloaded), special tokens from
 * {@code tokenizer_config.json}, EOS ids also from {@code generation_config.json} (or
 * {@code config.json}), and the chat template (see {@link ChatTemplate}).
 *
 * <p>EOS ids: the union of {@code eos_token} (tokenizer_config.json) and {@code eos_token_id}
 * (generation_config.json, an int or a list; config.json when there is no generation_config.json).
 * Pad id: {@code pad_token}, else generation_config's {@code pad_token_id}, else the first EOS id.
 * {@link #encode} adds no special tokens (no BOS); {@link #decode} leaves special tokens out and, when
 * tokenizer_config.json sets {@code clean_up_tokenization_spaces} (Llama 3 does), removes the space
 * before punctuation as transformers' {@code decode} does.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final Path dir;
    private final HuggingFaceTokenizer hf;
    private final int vocabSize;
    private final Map<String, Integer> addedTokens;
    private final int[] eosIds;
    private final int padId;
    private final ChatTemplate chatTemplate;
    private final String chatTemplateOrigin;
    private final Map<String, Object> specialTokens;
    private final boolean cleanUpSpaces;

    private HfTokenizer(Path dir, HuggingFaceTokenizer hf, int vocabSize, Map<String, Integer> addedTokens,
            HfTokenizerConfig config) {
        this.dir = dir;
        this.hf = hf;
        this.vocabSize = vocabSize;
        this.addedTokens = addedTokens;
        this.specialTokens = config.specialTokens();
        this.cleanUpSpaces = config.cleanUpTokenizationSpaces();
        Path tcFile = dir.resolve("tokenizer_config.json");

        Set<Integer> eos = new LinkedHashSet<>();
        if (config.eosToken() != null) {
            eos.add(requireId(config.eosToken(), tcFile, "eos_token"));
        }
        eos.addAll(!config.generationEosIds().isEmpty() ? config.generationEosIds() : config.modelEosIds());
        if (eos.isEmpty()) {
            throw new Grpo4jException("no end-of-sequence token for the tokenizer in " + dir
                    + ": set eos_token in tokenizer_config.json or eos_token_id in generation_config.json");
        }
        for (int id : eos) {
            if (id < 0 || id >= vocabSize) {
                throw new Grpo4jException("eos_token_id " + id + " in " + dir + " is outside the vocabulary [0, "
                        + vocabSize + ")");
            }
        }
        this.eosIds = eos.stream().mapToInt(Integer::intValue).toArray();
        if (config.padToken() != null) {
            this.padId = requireId(config.padToken(), tcFile, "pad_token");
        } else if (config.generationPadId() != null) {
            this.padId = config.generationPadId();
        } else {
            this.padId = eosIds[0];
        }
        this.chatTemplateOrigin = config.chatTemplateOrigin();
        this.chatTemplate = config.chatTemplate() == null ? null
                : ChatTemplate.parse(config.chatTemplate(), config.chatTemplateOrigin(), specialTokens);
    }

    /**
     * Loads the tokenizer of the model directory {@code dir} (which must hold {@code tokenizer.json}).
     *
     * @throws Grpo4jException if the directory or tokenizer.json is missing or unreadable, the
     *     config files are malformed, no EOS token is defined, or the chat template does not parse
     */
    public static HfTokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new Grpo4jException("no tokenizer.json in " + dir + " (a Hugging Face model directory holds "
                    + "tokenizer.json, tokenizer_config.json, config.json, ...)");
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        int vocabSize = scanVocabulary(file, added);
        HfTokenizerConfig config = HfTokenizerConfig.read(dir);
        HuggingFaceTokenizer hf;
        try {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "false");
            options.put("truncation", "false");
            options.put("padding", "false");
            hf = HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException | RuntimeException e) {
            throw new Grpo4jException("cannot load tokenizer " + file + ": " + IoErrors.reason(e), e);
        }
        try {
            return new HfTokenizer(dir, hf, vocabSize, added, config);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    /**
     * Reads tokenizer.json once with a streaming parser: the largest id in model.vocab and
     * added_tokens (the vocabulary size the tokenizer can emit) and the added tokens' ids. Also
     * the check that gives a corrupt file one clear error before the native library sees it.
     */
    private static int scanVocabulary(Path file, Map<String, Integer> added) {
        int maxId = -1;
        boolean sawModel = false;
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = new JsonFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the top level is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String content = null;
                        int id = -1;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            if (f.equals("content")) {
                                content = p.getText();
                            } else if (f.equals("id")) {
                                id = p.getIntValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (content != null && id >= 0) {
                            added.put(content, id);
                            maxId = Math.max(maxId, id);
                        }
                    }
                } else if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    sawModel = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if (f.equals("vocab") && v == JsonToken.START_OBJECT) { // BPE, WordPiece, WordLevel
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                p.nextToken();
                                maxId = Math.max(maxId, p.getIntValue());
                            }
                        } else if (f.equals("vocab") && v == JsonToken.START_ARRAY) { // Unigram: [piece, score]
                            int n = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                                n++;
                            }
                            maxId = Math.max(maxId, n - 1);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (!sawModel) {
                throw new IOException("it has no \"model\" object");
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot read tokenizer " + file + ": not a valid tokenizer.json ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (maxId < 0) {
            throw new Grpo4jException("cannot read tokenizer " + file + ": its vocabulary is empty");
        }
        return maxId + 1;
    }

    private int requireId(String token, Path file, String field) {
        return tokenId(token).orElseThrow(() -> new Grpo4jException(file + ": " + field + " '" + token
                + "' is not a token of " + dir.resolve("tokenizer.json")));
    }

    /** The id of a single token (an added/special token or a vocabulary entry), if there is one. */
    public OptionalInt tokenId(String token) {
        Integer id = addedTokens.get(token);
        if (id != null) {
            return OptionalInt.of(id);
        }
        int[] ids = encode(token);
        return ids.length == 1 ? OptionalInt.of(ids[0]) : OptionalInt.empty();
    }

    @Override
    public int[] encode(String text) {
        long[] ids;
        try {
            ids = hf.encode(text, false, false).getIds();
        } catch (RuntimeException e) { // e.g. a WordLevel model without an unknown token
            throw new Grpo4jException("cannot encode " + (text.length() > 60 ? text.substring(0, 57) + "..." : text)
                    + " with " + dir.resolve("tokenizer.json") + ": " + IoErrors.reason(e), e);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        if (ids.length == 0) {
            return "";
        }
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new Grpo4jException("token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, "
                        + vocabSize + ") of " + dir.resolve("tokenizer.json"));
            }
            l[i] = ids[i];
        }
        String text = hf.decode(l, true);
        return cleanUpSpaces ? cleanUpTokenization(text) : text;
    }

    /** transformers' clean_up_tokenization: drops the space before punctuation and English contractions. */
    static String cleanUpTokenization(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    /** One more than the largest id the tokenizer can produce (the model's embedding may be larger). */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        return applyChatTemplate(messages, addGenerationPrompt, Map.of());
    }

    /** As {@link #applyChatTemplate(List, boolean)} with extra template variables, e.g. enable_thinking. */
    public String applyChatTemplate(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
            Map<String, ?> extraVariables) {
        return chatTemplate().orElseThrow(() -> new Grpo4jException("the tokenizer in " + dir
                + " has no chat template (" + chatTemplateOrigin + "); use plain-text prompts or a model with "
                + "a chat template")).apply(messages, addGenerationPrompt, extraVariables);
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Special tokens by role (bos_token, eos_token, pad_token, ...) as tokenizer_config.json gives them. */
    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /** Same as {@link #saveTo}: a checkpoint's model directory gets the tokenizer files. */
    @Override
    public void save(Path directory) {
        saveTo(directory);
    }

    /** Tokenizer files of a model directory, copied by {@link #saveTo}. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "chat_template.jinja", "chat_template.json");

    /**
     * Copies this tokenizer's files ({@code tokenizer.json}, {@code tokenizer_config.json},
     * {@code special_tokens_map.json}, chat template files, those present) into {@code dir} so a
     * checkpoint there loads with {@link Tokenizers#load}; also {@code generation_config.json} (for
     * its EOS ids) unless {@code dir} already has one.
     */
    public void saveTo(Path target) {
        try {
            Files.createDirectories(target);
            if (Files.isSameFile(dir, target)) {
                return;
            }
            for (String name : TOKENIZER_FILES) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    Files.copy(dir.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path gen = dir.resolve("generation_config.json");
            if (Files.isRegularFile(gen) && !Files.exists(target.resolve("generation_config.json"))) {
                Files.copy(gen, target.resolve("generation_config.json"));
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot copy the tokenizer from " + dir + " to " + target + ": " + IoErrors.reason(e), e);
        }
    }

    /** The directory this tokenizer was loaded from. */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        hf.close();
    }
}
