package io.github.grpo4j.internal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Hugging Face model directory says about special tokens and the chat template, from
 * {@code tokenizer_config.json}, {@code generation_config.json}, {@code config.json},
 * {@code chat_template.jinja} and {@code chat_template.json} (each optional).
 *
 * @param specialTokens template variables: bos_token, eos_token, unk_token, sep_token, pad_token,
 *     cls_token, mask_token (strings, only those set) and additional_special_tokens (list)
 * @param eosToken tokenizer_config's eos_token, or null
 * @param padToken tokenizer_config's pad_token, or null
 * @param generationEosIds eos_token_id from generation_config.json (an int or a list), else empty
 * @param modelEosIds eos_token_id from config.json, else empty
 * @param generationPadId pad_token_id from generation_config.json or config.json, or null
 * @param chatTemplate template source, or null
 * @param chatTemplateOrigin where the template came from (or why there is none), for messages
 * @param cleanUpTokenizationSpaces tokenizer_config's clean_up_tokenization_spaces (default false)
 */
record HfTokenizerConfig(Map<String, Object> specialTokens, String eosToken, String padToken,
        List<Integer> generationEosIds, List<Integer> modelEosIds, Integer generationPadId,
        String chatTemplate, String chatTemplateOrigin, boolean cleanUpTokenizationSpaces) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIAL_TOKEN_KEYS =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    static HfTokenizerConfig read(Path dir) {
        JsonNode tc = readJson(dir.resolve("tokenizer_config.json"));
        JsonNode gc = readJson(dir.resolve("generation_config.json"));
        JsonNode mc = readJson(dir.resolve("config.json"));

        Map<String, Object> special = new LinkedHashMap<>();
        Path tcPath = dir.resolve("tokenizer_config.json");
        for (String key : SPECIAL_TOKEN_KEYS) {
            String v = tokenContent(tc.get(key), tcPath, key);
            if (v != null) {
                special.put(key, v);
            }
        }
        JsonNode extra = tc.get("additional_special_tokens");
        if (extra != null && extra.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode t : extra) {
                String v = tokenContent(t, tcPath, "additional_special_tokens");
                if (v != null) {
                    list.add(v);
                }
            }
            special.put("additional_special_tokens", list);
        }

        List<Integer> genEos = ids(gc.get("eos_token_id"), dir.resolve("generation_config.json"), "eos_token_id");
        List<Integer> modelEos = ids(mc.get("eos_token_id"), dir.resolve("config.json"), "eos_token_id");
        Integer genPad = firstInt(gc.get("pad_token_id"));
        if (genPad == null) {
            genPad = firstInt(mc.get("pad_token_id"));
        }

        String template = null;
        String origin;
        Path jinjaFile = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) { // newer transformers save the template on its own; it wins
            try {
                template = Files.readString(jinjaFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Grpo4jException("cannot read chat template " + jinjaFile + ": " + IoErrors.reason(e), e);
            }
            origin = jinjaFile.toString();
        } else if (tc.hasNonNull("chat_template")) {
            String[] picked = pickTemplate(tc.get("chat_template"), tcPath);
            template = picked[0];
            origin = picked[1];
        } else {
            JsonNode ct = readJson(dir.resolve("chat_template.json")).get("chat_template");
            if (ct != null && !ct.isNull()) {
                String[] picked = pickTemplate(ct, dir.resolve("chat_template.json"));
                template = picked[0];
                origin = picked[1];
            } else {
                origin = "no chat_template in " + tcPath + " and no chat_template.jinja or chat_template.json in " + dir;
            }
        }
        return new HfTokenizerConfig(special, (String) special.get("eos_token"), (String) special.get("pad_token"),
                genEos, modelEos, genPad, template, origin, tc.path("clean_up_tokenization_spaces").asBoolean(false));
    }

    /** A string, or a list of {name, template} from which "default" is taken. */
    private static String[] pickTemplate(JsonNode ct, Path file) {
        if (ct.isTextual()) {
            return new String[] {ct.textValue(), "chat_template in " + file};
        }
        if (ct.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode t : ct) {
                String name = t.path("name").asText();
                names.add(name);
                if (name.equals("default") && t.path("template").isTextual()) {
                    return new String[] {t.get("template").textValue(), "chat_template 'default' in " + file};
                }
            }
            return new String[] {null, "the chat_template list in " + file + " has no entry named 'default' (it has: "
                    + String.join(", ", names) + ")"};
        }
        throw new Grpo4jException(file + ": field chat_template must be a string or a list of {name, template}, got "
                + ct.getNodeType().toString().toLowerCase());
    }

    /** A special token given as a string or as an AddedToken object {"content": ...}. */
    static String tokenContent(JsonNode t, Path file, String field) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isTextual()) {
            return t.textValue();
        }
        if (t.isObject() && t.path("content").isTextual()) {
            return t.get("content").textValue();
        }
        throw new Grpo4jException(file + ": field " + field + " must be a string or an object with \"content\", got " + t);
    }

    private static List<Integer> ids(JsonNode v, Path file, String field) {
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isIntegralNumber()) {
            out.add(v.intValue());
            return out;
        }
        if (v.isArray()) {
            for (JsonNode x : v) {
                if (!x.isIntegralNumber()) {
                    throw new Grpo4jException(file + ": field " + field + " must be an integer or a list of integers, got " + v);
                }
                out.add(x.intValue());
            }
            return out;
        }
        throw new Grpo4jException(file + ": field " + field + " must be an integer or a list of integers, got " + v);
    }

    private static Integer firstInt(JsonNode v) {
        if (v != null && v.isIntegralNumber()) {
            return v.intValue();
        }
        if (v != null && v.isArray() && v.size() > 0 && v.get(0).isIntegralNumber()) {
            return v.get(0).intValue();
        }
        return null;
    }

    /** The parsed file, or an empty object when it does not exist. */
    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new Grpo4jException(file + " must hold a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
    }
}
