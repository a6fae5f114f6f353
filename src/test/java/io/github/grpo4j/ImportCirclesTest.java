package io.github.grpo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API ({@code io.github.grpo4j} outside {@code internal}) may use internal classes, and internal
 * classes may use the public API, but never in a circle: a class of one side that reaches itself through a
 * class of the other side ties the two together, so neither can change alone. Checked per class (a
 * package-level check could never pass: every internal package uses the public {@code Grpo4jException}).
 *
 * <p>A class uses another when it imports it (also statically or by wildcard), names it fully qualified, or
 * names it by its simple name in code of the same package (comments and strings aside).
 */
class ImportCirclesTest {

    private static final String ROOT = "io.github.grpo4j";

    @Test
    void noCircleCrossesThePublicInternalBoundary() {
        Map<String, String> sources = sources(Path.of("src/main/java"));
        assertTrue(sources.size() > 100, "found only " + sources.size() + " classes under src/main/java");
        Map<String, Set<String>> uses = uses(sources);
        // the parser sees real edges (guards against a vacuous pass): the known one-way uses
        assertTrue(uses.get(ROOT + ".internal.train.GrpoStepTrainer").contains(ROOT + ".policy.Policy"));
        assertTrue(uses.get(ROOT + ".internal.train.GrpoStepTrainer").contains(ROOT + ".internal.train.Rollouts"),
                "same-package use by simple name");
        List<String> crossing = crossingCircles(uses);
        assertTrue(crossing.isEmpty(), "import circles between public and internal classes:\n"
                + String.join("\n", crossing));
    }

    @Test
    void findsAPlantedCircleAndAcceptsOneWayUse() {
        Map<String, String> oneWay = new LinkedHashMap<>();
        oneWay.put(ROOT + ".api.Api", "package io.github.grpo4j.api;\nimport io.github.grpo4j.internal.x.Impl;\n"
                + "public class Api { Impl impl; }");
        oneWay.put(ROOT + ".internal.x.Impl", "package io.github.grpo4j.internal.x;\n"
                + "import io.github.grpo4j.api.Error; // Api named in a comment only\n"
                + "class Impl { String s = \"Api Helper\"; Helper h; }");
        oneWay.put(ROOT + ".internal.x.Helper", "package io.github.grpo4j.internal.x;\nclass Helper { }");
        oneWay.put(ROOT + ".api.Error", "package io.github.grpo4j.api;\nclass Error { }");
        assertEquals(List.of(), crossingCircles(uses(oneWay)));

        Map<String, String> circle = new LinkedHashMap<>(oneWay);
        circle.put(ROOT + ".internal.x.Helper", "package io.github.grpo4j.internal.x;\n"
                + "class Helper { io.github.grpo4j.api.Api back; }");
        List<String> found = crossingCircles(uses(circle));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("api.Api -> internal.x.Impl -> internal.x.Helper -> api.Api"), found.get(0));
    }

    /** Class name → source text of every top-level class under {@code dir}. */
    private static Map<String, String> sources(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = dir.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
                if (!name.endsWith("package-info")) {
                    out.put(name, Files.readString(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.github\\.grpo4j(\\.\\w+)+");
    private static final Pattern WORD = Pattern.compile("\\b[A-Z]\\w*\\b");

    /** Class → the project's classes it uses. */
    static Map<String, Set<String>> uses(Map<String, String> sources) {
        Map<String, Set<String>> byPackage = new HashMap<>();
        for (String c : sources.keySet()) {
            byPackage.computeIfAbsent(packageOf(c), k -> new TreeSet<>()).add(c);
        }
        Map<String, Set<String>> uses = new TreeMap<>();
        for (var e : sources.entrySet()) {
            String self = e.getKey();
            String text = e.getValue();
            String code = withoutCommentsAndStrings(text);
            Set<String> used = new TreeSet<>();
            Set<String> wildcardPackages = new LinkedHashSet<>();
            wildcardPackages.add(packageOf(self));
            Matcher m = IMPORT.matcher(code);
            while (m.find()) {
                if (m.group(3) != null && m.group(1) == null) {
                    wildcardPackages.add(m.group(2));
                } else {
                    addClassOf(m.group(2), sources, used);
                }
            }
            Matcher q = QUALIFIED.matcher(code.replaceAll("(?m)^(package|import)\\s.*$", ""));
            while (q.find()) {
                addClassOf(q.group(), sources, used);
            }
            // simple names of classes of this package (and of wildcard-imported ones) used in code
            Set<String> words = new LinkedHashSet<>();
            Matcher w = WORD.matcher(code.replaceAll("(?m)^(package|import)\\s.*$", ""));
            while (w.find()) {
                words.add(w.group());
            }
            for (String p : wildcardPackages) {
                for (String c : byPackage.getOrDefault(p, Set.of())) {
                    if (words.contains(c.substring(c.lastIndexOf('.') + 1))) {
                        used.add(c);
                    }
                }
            }
            used.remove(self);
            uses.put(self, used);
        }
        return uses;
    }

    /** The longest prefix of {@code name} that is one of the project's classes (a member or nested class aside). */
    private static void addClassOf(String name, Map<String, String> sources, Set<String> into) {
        for (String n = name; n.contains("."); n = n.substring(0, n.lastIndexOf('.'))) {
            if (sources.containsKey(n)) {
                into.add(n);
                return;
            }
        }
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static boolean internal(String className) {
        return className.startsWith(ROOT + ".internal.");
    }

    private static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
                out.append("\"\"");
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                char quote = s.charAt(i);
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != quote && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(j + 1, s.length());
                out.append(quote).append(quote);
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * The strongly connected components (Tarjan) holding both public and internal classes, each described by
     * its classes and one circle through it.
     */
    static List<String> crossingCircles(Map<String, Set<String>> uses) {
        List<String> out = new ArrayList<>();
        for (Set<String> component : components(uses)) {
            boolean hasPublic = component.stream().anyMatch(c -> !internal(c));
            boolean hasInternal = component.stream().anyMatch(ImportCirclesTest::internal);
            if (hasPublic && hasInternal) {
                String start = component.stream().filter(c -> !internal(c)).findFirst().orElseThrow();
                out.add(component.size() + " classes " + shortNames(component) + "; e.g. "
                        + String.join(" -> ", shortNames(circle(start, component, uses))));
            }
        }
        return out;
    }

    private static List<String> shortNames(java.util.Collection<String> names) {
        return names.stream().map(n -> n.substring(ROOT.length() + 1)).toList();
    }

    /** A shortest path from {@code start} back to itself inside the component (breadth first). */
    private static List<String> circle(String start, Set<String> component, Map<String, Set<String>> uses) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : uses.getOrDefault(at, Set.of())) {
                if (!component.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    for (String c = at; ; c = cameFrom.get(c)) {
                        path.add(0, c);
                        if (c.equals(start)) {
                            break;
                        }
                    }
                    path.add(start);
                    return path;
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        return List.of(start);
    }

    private static List<Set<String>> components(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new LinkedHashSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String v : uses.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, uses, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, uses, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
