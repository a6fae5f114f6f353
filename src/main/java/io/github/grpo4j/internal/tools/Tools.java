package io.github.grpo4j.internal.tools;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ToolSpec;
import io.github.grpo4j.config.ToolsSection;
import io.github.grpo4j.internal.reward.Params;
import io.github.grpo4j.tools.Tool;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds a run's {@link ToolBox} from its {@code tools} section. */
public final class Tools {
    private Tools() {}

    /**
     * The configured tools plus {@code extra} ones (from the Java API).
     *
     * @throws Grpo4jException naming the entry ({@code tools.functions[1].class_name}) for a bad one
     */
    public static ToolBox create(ToolsSection section, List<? extends Tool> extra) {
        List<Tool> tools = new ArrayList<>();
        try {
            for (int i = 0; i < section.functions().size(); i++) {
                tools.add(create(section.functions().get(i), "tools.functions[" + i + "]"));
            }
            tools.addAll(extra);
            return new ToolBox(tools, Duration.ofMillis((long) Math.ceil(section.timeoutS() * 1000)));
        } catch (RuntimeException e) {
            tools.forEach(Tool::close);
            throw e;
        }
    }

    /** One tool from its spec; {@code path} names it in errors. */
    public static Tool create(ToolSpec spec, String path) {
        String type = spec.type();
        if (type == null) {
            throw new Grpo4jException(path + ".type: must be set; valid: calculator, java, external");
        }
        if (!"java".equals(type) && spec.className() != null) {
            throw new Grpo4jException(path + ".class_name: is only used with type: java (type is '" + type + "')");
        }
        String name = spec.name();
        switch (type) {
            case "calculator" -> {
                new Params(path + " (calculator)", spec.params(), List.of());
                return new Calculator(name == null ? Calculator.NAME : name);
            }
            case "external" -> {
                return ExternalTool.create(requireName(name, path),
                        new Params(path + " (external)", spec.params(), ExternalTool.PARAMS));
            }
            case "java" -> {
                return javaTool(spec.className(), path);
            }
            default -> throw new Grpo4jException(path + ".type: unknown tool type '" + type
                    + "'; valid: calculator, java, external");
        }
    }

    private static String requireName(String name, String path) {
        if (name == null || name.isBlank()) {
            throw new Grpo4jException(path + ".name: must be set; valid: the name the model calls the tool by");
        }
        return name;
    }

    private static Tool javaTool(String className, String path) {
        if (className == null || className.isBlank()) {
            throw new Grpo4jException(path + ".class_name: must be set for type: java; valid: a fully qualified "
                    + "class implementing io.github.grpo4j.tools.Tool");
        }
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new Grpo4jException(path + ".class_name: class " + className + " is not on the classpath");
        }
        if (!Tool.class.isAssignableFrom(c)) {
            throw new Grpo4jException(path + ".class_name: " + className + " does not implement io.github.grpo4j.tools.Tool");
        }
        try {
            return (Tool) c.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new Grpo4jException(path + ".class_name: " + className + " has no public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new Grpo4jException(path + ".class_name: constructing " + className + " failed: " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new Grpo4jException(path + ".class_name: cannot construct " + className + ": " + e, e);
        }
    }
}
