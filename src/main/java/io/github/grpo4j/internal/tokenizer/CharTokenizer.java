package io.github.grpo4j.internal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One token per character, for the built-in tasks (e.g. {@code 07+35=} → {@code 042}).
 *
 * <p>Id layout (fixed, so a saved model and its tokenizer stay in step):
 * <pre>
 *   0  &lt;pad&gt;   padding ({@link #PAD_ID})
 *   1  &lt;bos&gt;   beginning of sequence ({@link #BOS_ID}); never produced by {@link #encode}
 *   2  &lt;eos&gt;   end of sequence ({@link #EOS_ID}), the only EOS id
 *   3+ the alphabet's characters (Unicode code points) in the order given
 * </pre>
 * Special tokens are ids only: the text "&lt;eos&gt;" is encoded character by character (and fails
 * unless '&lt;', 'e', ... are in the alphabet). Saved as {@value #FILE_NAME}:
 * {@code {"format": "grpo4j-char-tokenizer", "version": 1, "alphabet": "...", "chat_template": ...}}.
 */
public final class CharTokenizer implements Tokenizer {
    public static final int PAD_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    /** Id of the alphabet's first character. */
    public static final int FIRST_CHAR_ID = 3;
    public static final String PAD_TOKEN = "<pad>";
    public static final String BOS_TOKEN = "<bos>";
    public static final String EOS_TOKEN = "<eos>";
    public static final String FILE_NAME = "char_tokenizer.json";
    static final String FORMAT = "grpo4j-char-tokenizer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String alphabet;
    private final int[] codePoints; // id - FIRST_CHAR_ID -> code point
    private final int[] asciiIds; // code point < 128 -> id, or -1
    private final Map<Integer, Integer> otherIds;
    private final String chatTemplateSource;
    private final ChatTemplate chatTemplate;

    private CharTokenizer(String alphabet, String chatTemplateSource) {
        int[] unique = alphabet.codePoints().distinct().toArray(); // a repeated character keeps its first id
        if (unique.length == 0) {
            throw new Grpo4jException("a character tokenizer needs a non-empty alphabet");
        }
        StringBuilder sb = new StringBuilder();
        for (int cp : unique) {
            sb.appendCodePoint(cp);
        }
        this.alphabet = sb.toString();
        this.codePoints = unique;
        this.asciiIds = new int[128];
        Arrays.fill(asciiIds, -1);
        this.otherIds = new HashMap<>();
        for (int i = 0; i < unique.length; i++) {
            if (unique[i] < 128) {
                asciiIds[unique[i]] = FIRST_CHAR_ID + i;
            } else {
                otherIds.put(unique[i], FIRST_CHAR_ID + i);
            }
        }
        this.chatTemplateSource = chatTemplateSource;
        this.chatTemplate = chatTemplateSource == null ? null : ChatTemplate.parse(chatTemplateSource,
                "chat_template of the character tokenizer",
                Map.of("bos_token", BOS_TOKEN, "eos_token", EOS_TOKEN, "pad_token", PAD_TOKEN));
    }

    /** A tokenizer for exactly these characters, in this order (repeats are ignored). */
    public static CharTokenizer of(String alphabet) {
        return new CharTokenizer(alphabet, null);
    }

    /** As {@link #of(String)}, with a Jinja chat template (it sees bos_token, eos_token, pad_token). */
    public static CharTokenizer of(String alphabet, String chatTemplate) {
        return new CharTokenizer(alphabet, chatTemplate);
    }

    /** A tokenizer for every character that occurs in {@code texts}, sorted by code point. */
    public static CharTokenizer fromTexts(Collection<String> texts) {
        TreeSet<Integer> cps = new TreeSet<>();
        texts.forEach(t -> t.codePoints().forEach(cps::add));
        StringBuilder sb = new StringBuilder();
        cps.forEach(sb::appendCodePoint);
        return of(sb.toString());
    }

    /** The characters, in id order (id of the i-th is {@code FIRST_CHAR_ID + i}). */
    public String alphabet() {
        return alphabet;
    }

    public int bosId() {
        return BOS_ID;
    }

    /** The id of one character, or -1 if it is not in the alphabet. */
    public int idOf(int codePoint) {
        if (codePoint >= 0 && codePoint < 128) {
            return asciiIds[codePoint];
        }
        return otherIds.getOrDefault(codePoint, -1);
    }

    /**
     * @throws Grpo4jException naming the character and its position if one is not in the alphabet
     */
    @Override
    public int[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            int id = idOf(cps[i]);
            if (id < 0) {
                throw new Grpo4jException(String.format("character %s (U+%04X) at position %d of %s is not in the "
                        + "tokenizer's alphabet %s", describe(cps[i]), cps[i], i, abbreviate(text), describeAlphabet()));
            }
            ids[i] = id;
        }
        return ids;
    }

    private static String describe(int cp) {
        return Character.isISOControl(cp) || Character.isWhitespace(cp)
                ? JSON.valueToTree(new String(Character.toChars(cp))).toString()
                : "'" + new String(Character.toChars(cp)) + "'";
    }

    private static String abbreviate(String text) {
        String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return JSON.valueToTree(t).toString();
    }

    private String describeAlphabet() {
        return JSON.valueToTree(alphabet.length() > 100 ? alphabet.substring(0, 97) + "..." : alphabet).toString();
    }

    /** The characters of {@code ids}; PAD, BOS and EOS are left out. */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabSize()) {
                throw new Grpo4jException("token id " + id + " at position " + i + " is outside the character "
                        + "vocabulary [0, " + vocabSize() + ")");
            }
            if (id >= FIRST_CHAR_ID) {
                sb.appendCodePoint(codePoints[id - FIRST_CHAR_ID]);
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST_CHAR_ID + codePoints.length;
    }

    @Override
    public int[] eosIds() {
        return new int[] {EOS_ID};
    }

    @Override
    public int padId() {
        return PAD_ID;
    }

    @Override
    public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        if (chatTemplate == null) {
            throw new Grpo4jException("this character tokenizer has no chat template: give prompts as plain text, "
                    + "or create it with CharTokenizer.of(alphabet, chatTemplate)");
        }
        return chatTemplate.apply(messages, addGenerationPrompt);
    }

    /**
     * Writes {@value #FILE_NAME} into {@code dir} (created if needed), plus the Hugging Face export
     * of {@link #saveHuggingFace}, so a saved model directory opens in transformers too.
     */
    @Override
    public void save(Path dir) {
        saveOwnFormat(dir);
        saveHuggingFace(dir);
    }

    /** Writes only {@value #FILE_NAME}. */
    public void saveOwnFormat(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("pad_token", PAD_TOKEN);
        root.put("bos_token", BOS_TOKEN);
        root.put("eos_token", EOS_TOKEN);
        root.put("alphabet", alphabet);
        if (chatTemplateSource != null) {
            root.put("chat_template", chatTemplateSource);
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(FILE_NAME),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write " + dir.resolve(FILE_NAME) + ": " + IoErrors.reason(e), e);
        }
    }

    /**
     * Also writes the tokenizer in Hugging Face's format into {@code dir} ({@code tokenizer.json} with
     * a WordLevel model over single characters, a split-every-character pre-tokenizer and a Fuse
     * decoder, plus {@code tokenizer_config.json}), so tools that read Hugging Face model directories
     * can use a checkpoint. The ids are the same. {@link Tokenizers#load} still prefers
     * {@value #FILE_NAME} when both are present.
     */
    public void saveHuggingFace(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        var added = root.putArray("added_tokens");
        String[] specials = {PAD_TOKEN, BOS_TOKEN, EOS_TOKEN};
        for (int id = 0; id < specials.length; id++) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", specials[id]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Split");
        pre.putObject("pattern").put("Regex", "[\\s\\S]"); // every character on its own, newlines included
        pre.put("behavior", "Isolated");
        pre.put("invert", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < specials.length; id++) {
            vocab.put(specials[id], id);
        }
        for (int i = 0; i < codePoints.length; i++) {
            vocab.put(new String(Character.toChars(codePoints[i])), FIRST_CHAR_ID + i);
        }
        model.put("unk_token", "<unk>"); // not in the vocabulary: an unknown character is an error

        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", BOS_TOKEN);
        config.put("eos_token", EOS_TOKEN);
        config.put("pad_token", PAD_TOKEN);
        config.put("add_bos_token", false);
        config.put("clean_up_tokenization_spaces", false);
        if (chatTemplateSource != null) {
            config.put("chat_template", chatTemplateSource);
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("tokenizer_config.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write the tokenizer into " + dir + ": " + IoErrors.reason(e), e);
        }
    }

    /**
     * Reads a tokenizer saved by {@link #save}.
     *
     * @param path the {@value #FILE_NAME} file or the directory holding it
     */
    public static CharTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new Grpo4jException("no character tokenizer at " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new Grpo4jException(file + ": not a character tokenizer (field \"format\" must be \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != 1) {
            throw new Grpo4jException(file + ": field \"version\" must be 1, got " + root.get("version"));
        }
        if (!root.path("alphabet").isTextual()) {
            throw new Grpo4jException(file + ": field \"alphabet\" must be a string of characters");
        }
        JsonNode ct = root.get("chat_template");
        if (ct != null && !ct.isNull() && !ct.isTextual()) {
            throw new Grpo4jException(file + ": field \"chat_template\" must be a string");
        }
        return new CharTokenizer(root.get("alphabet").textValue(), ct == null || ct.isNull() ? null : ct.textValue());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer c && c.alphabet.equals(alphabet)
                && Objects.equals(c.chatTemplateSource, chatTemplateSource);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alphabet, chatTemplateSource);
    }

    @Override
    public String toString() {
        return "CharTokenizer" + describeAlphabet();
    }
}
