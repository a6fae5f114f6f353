package io.github.grpo4j.internal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptDatasetTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    void assertFails(String name, String content, String message) throws Exception {
        Path f = write(name, content);
        assertThatThrownBy(() -> PromptDataset.load(f)).isInstanceOf(Grpo4jException.class)
                .hasMessageStartingWith(f + message.substring(0, message.indexOf(':') + 1))
                .hasMessageContaining(message);
    }

    @Test
    void jsonlRowsKeepPromptMessagesAndOtherFieldsWithLineNumbers() throws Exception {
        Path f = write("d.jsonl", """
                {"prompt": "2+3=", "answer": "5", "n": 5, "x": 1.5, "ok": true, "tags": ["a"], "none": null}

                {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}], "answer": 7}
                """);
        PromptDataset d = PromptDataset.load(f);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.source()).isEqualTo(f.toString());
        PromptRow a = d.row(0);
        assertThat(a.line()).isEqualTo(1);
        assertThat(a.isChat()).isFalse();
        assertThat(a.prompt()).isEqualTo("2+3=");
        assertThat(a.fields()).containsExactly(Map.entry("answer", "5"), Map.entry("n", 5), Map.entry("x", 1.5),
                Map.entry("ok", true), Map.entry("tags", List.of("a")), new HashMap.SimpleEntry<>("none", null));
        assertThat(a.hasField("none")).isTrue();
        assertThat(a.field("prompt")).isNull();
        PromptRow b = d.row(1);
        assertThat(b.line()).isEqualTo(3);
        assertThat(b.isChat()).isTrue();
        assertThat(b.messages()).containsExactly(Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", "hi"));
        assertThat(b.field("answer")).isEqualTo(7);
        assertThat(b.summary()).isEqualTo("hi");
    }

    @Test
    void customFieldNamesAreUsed() throws Exception {
        Path f = write("d.jsonl", "{\"question\": \"q\", \"prompt\": \"kept as a field\"}\n");
        PromptRow r = PromptDataset.load(f, "question", "chat").row(0);
        assertThat(r.prompt()).isEqualTo("q");
        assertThat(r.field("prompt")).isEqualTo("kept as a field");
    }

    @Test
    void renderUsesThePromptOrTheChatTemplateWithGenerationPrompt() throws Exception {
        PromptDataset d = PromptDataset.load(write("d.jsonl", """
                {"prompt": "plain"}
                {"messages": [{"role": "user", "content": "hi"}]}
                """));
        List<Object> calls = new ArrayList<>();
        Tokenizer tok = new FakeTokenizer() {
            @Override
            public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
                calls.add(messages);
                calls.add(addGenerationPrompt);
                return "<user>" + messages.get(0).get("content") + "<assistant>";
            }
        };
        assertThat(d.row(0).render(tok)).isEqualTo("plain");
        assertThat(d.row(1).render(tok)).isEqualTo("<user>hi<assistant>");
        assertThat(calls).containsExactly(List.of(Map.of("role", "user", "content", "hi")), true);
    }

    @Test
    void badJsonNamesFileAndLine() throws Exception {
        assertFails("d.jsonl", "{\"prompt\": \"a\"}\n{\"prompt\": \"b\",}\n", ":2: not valid JSON");
    }

    @Test
    void nonObjectLineIsAnError() throws Exception {
        assertFails("d.jsonl", "{\"prompt\": \"a\"}\n[1, 2]\n", ":2: expected a JSON object, got an array");
    }

    @Test
    void duplicateJsonKeyIsAnError() throws Exception {
        assertFails("d.jsonl", "{\"prompt\": \"a\", \"prompt\": \"b\"}\n", ":1: not valid JSON: Duplicate field 'prompt'");
    }

    @Test
    void rowWithoutPromptOrMessagesIsAnError() throws Exception {
        assertFails("d.jsonl", "{\"prompt\": \"a\"}\n{\"question\": \"b\", \"answer\": 1}\n",
                ":2: row has neither 'prompt' nor 'messages'; valid: a plain-text prompt under 'prompt' or a chat "
                        + "under 'messages'; fields present: question, answer");
    }

    @Test
    void rowWithBothPromptAndMessagesIsAnError() throws Exception {
        assertFails("d.jsonl", "{\"prompt\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"b\"}]}\n",
                ":1: row has both 'prompt' and 'messages'; valid: only one of them");
    }

    @Test
    void wrongTypesAreErrors() throws Exception {
        assertFails("a.jsonl", "{\"prompt\": 3}\n", ":1: 'prompt' must be a string, got a number (3)");
        assertFails("b.jsonl", "{\"prompt\": \"\"}\n", ":1: 'prompt' is empty");
        assertFails("c.jsonl", "{\"messages\": \"hi\"}\n", ":1: 'messages' must be a list, got a string");
        assertFails("d.jsonl", "{\"messages\": []}\n", ":1: 'messages' is empty");
        assertFails("e.jsonl", "{\"messages\": [\"hi\"]}\n", ":1: messages[0] must be an object, got a string");
        assertFails("f.jsonl", "{\"messages\": [{\"content\": \"hi\"}]}\n", ":1: messages[0].role must be a non-empty string, got null");
        assertFails("g.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]}\n",
                ":1: messages[0].content must be a string, got a list");
    }

    @Test
    void emptyFileIsAnError() throws Exception {
        Path f = write("d.jsonl", "\n  \n");
        assertThatThrownBy(() -> PromptDataset.load(f)).isInstanceOf(Grpo4jException.class)
                .hasMessage(f + ": no rows; valid: at least one row with a prompt or messages");
        Path c = write("d.csv", "");
        assertThatThrownBy(() -> PromptDataset.load(c)).hasMessageStartingWith(c + ": no rows");
        Path h = write("h.csv", "prompt,answer\n");
        assertThatThrownBy(() -> PromptDataset.load(h)).hasMessageStartingWith(h + ": no rows");
        Path j = write("d.json", "[]");
        assertThatThrownBy(() -> PromptDataset.load(j)).hasMessageStartingWith(j + ": no rows");
    }

    @Test
    void missingFileAndUnknownExtensionAreErrors() throws Exception {
        assertThatThrownBy(() -> PromptDataset.load(dir.resolve("nope.jsonl")))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("data file not found");
        Path t = write("d.txt", "hello");
        assertThatThrownBy(() -> PromptDataset.load(t)).hasMessageContaining("unknown data format");
    }

    @Test
    void jsonArrayFilesHaveLineNumbersPerObject() throws Exception {
        Path f = write("d.json", """
                [
                  {"prompt": "a", "answer": 1},
                  {"prompt": "b",
                   "answer": 2},
                  {"answer": 3}
                ]
                """);
        assertThatThrownBy(() -> PromptDataset.load(f)).hasMessageStartingWith(f + ":5: row has neither");
        Path g = write("g.json", "[{\"prompt\": \"a\"}, {\"prompt\": \"b\"}]");
        assertThat(PromptDataset.load(g).rows()).extracting(PromptRow::prompt).containsExactly("a", "b");
        Path h = write("h.json", "{\"prompt\": \"a\"}");
        assertThatThrownBy(() -> PromptDataset.load(h)).hasMessageContaining(":1: expected a JSON array of objects");
        Path k = write("k.json", "[{\"prompt\": \"a\"},\n {\"prompt\" \"b\"}]");
        assertThatThrownBy(() -> PromptDataset.load(k)).hasMessageStartingWith(k + ":2: not valid JSON");
    }

    @Test
    void csvRowsAreStringsWithQuotedCellsAndLineNumbers() throws Exception {
        Path f = write("d.csv", """
                prompt,answer,messages
                "What is 2+2, exactly?",4,
                "two
                lines",x,
                ,5,"[{""role"": ""user"", ""content"": ""hi""}]"
                """);
        PromptDataset d = PromptDataset.load(f);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.row(0).prompt()).isEqualTo("What is 2+2, exactly?");
        assertThat(d.row(0).fields()).containsExactly(Map.entry("answer", "4"));
        assertThat(d.row(0).line()).isEqualTo(2);
        assertThat(d.row(1).prompt()).isEqualTo("two\nlines");
        assertThat(d.row(1).line()).isEqualTo(3);
        assertThat(d.row(2).line()).isEqualTo(5);
        assertThat(d.row(2).messages()).containsExactly(Map.of("role", "user", "content", "hi"));
        assertThat(d.row(2).field("answer")).isEqualTo("5");
    }

    @Test
    void windowsLineEndingsAndByteOrderMarksAreHandled() throws Exception {
        PromptDataset c = PromptDataset.load(write("w.csv", "\uFEFFprompt,answer\r\na,1\r\nb,2\r\n"));
        assertThat(c.rows()).extracting(PromptRow::prompt).containsExactly("a", "b");
        assertThat(c.row(1).line()).isEqualTo(3);
        assertThat(c.row(1).fields()).containsExactly(Map.entry("answer", "2"));
        PromptDataset j = PromptDataset.load(write("w.jsonl", "\uFEFF{\"prompt\": \"a\"}\r\n{\"prompt\": \"b\"}\r\n"));
        assertThat(j.rows()).extracting(PromptRow::prompt).containsExactly("a", "b");
    }

    @Test
    void csvWithoutPromptOrMessagesColumnIsAnError() throws Exception {
        assertFails("d.csv", "question,answer\nq,1\n",
                ":1: no 'prompt' or 'messages' column; columns: question, answer");
    }

    @Test
    void csvRowWithTheWrongNumberOfCellsIsAnError() throws Exception {
        assertFails("a.csv", "prompt,answer\na,1\nb,2,3\n", ":3: row has 3 columns, the header has 2 (prompt, answer)");
        assertFails("b.csv", "prompt,answer\na,1\nb\n", ":3: row has 1 columns, the header has 2");
    }

    @Test
    void csvEmptyPromptCellAndBadMessagesJsonAreErrors() throws Exception {
        assertFails("a.csv", "prompt,answer\na,1\n,2\n", ":3: row has neither 'prompt' nor 'messages'");
        assertFails("b.csv", "messages\n\"[{\"\"role\"\": }]\"\n", ":2: 'messages' is not valid JSON");
    }

    @Test
    void csvDuplicateColumnIsAnError() throws Exception {
        assertFails("a.csv", "prompt,answer,answer\na,1,2\n", ":1: duplicate column 'answer'");
    }

    @Test
    void inMemoryRowsAreCheckedLikeFileRows() {
        PromptDataset d = PromptDataset.fromMaps(List.of(Map.of("prompt", "a", "answer", 1),
                Map.of("messages", List.of(Map.of("role", "user", "content", "b")))));
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.row(0).field("answer")).isEqualTo(1);
        assertThat(d.row(1).line()).isEqualTo(2);
        assertThat(d.source()).isEqualTo("memory");
        assertThatThrownBy(() -> PromptDataset.fromMaps(List.of(Map.of("prompt", "a"), Map.of("answer", 1))))
                .isInstanceOf(Grpo4jException.class).hasMessageStartingWith("memory:2: row has neither");
        assertThatThrownBy(() -> PromptDataset.fromMaps(List.of())).hasMessage("memory: no rows; valid: at least one row with a prompt or messages");
    }

    @Test
    void requireFieldNamesTheFirstRowWithoutIt() throws Exception {
        Path f = write("d.jsonl", "{\"prompt\": \"a\", \"answer\": 1}\n{\"prompt\": \"b\", \"answer\": null}\n");
        PromptDataset d = PromptDataset.load(f);
        assertThatThrownBy(() -> d.requireField("answer", "reward 'correct'")).isInstanceOf(Grpo4jException.class)
                .hasMessage(f + ":2: row has no 'answer' field, which reward 'correct' needs; valid: every row has a "
                        + "non-null 'answer'; fields present: answer");
        PromptDataset.load(write("e.jsonl", "{\"prompt\": \"a\", \"answer\": 0}\n")).requireField("answer", "x");
    }

    /** A tokenizer stub: only the chat template matters here. */
    abstract static class FakeTokenizer implements Tokenizer {
        @Override
        public int[] encode(String text) {
            return text.chars().toArray();
        }

        @Override
        public String decode(int[] ids) {
            return new String(ids, 0, ids.length);
        }

        @Override
        public int vocabSize() {
            return 256;
        }

        @Override
        public int[] eosIds() {
            return new int[] {0};
        }

        @Override
        public int padId() {
            return 0;
        }
    }
}
