package com.shopflow.ingest.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read the way BuildKit reads it, as far as the conventions need: comments and parser directives
 * dropped, backslash continuations joined, instructions grouped into stages by {@code FROM}.
 *
 * @param name       the file name, for messages
 * @param stages     the build stages in order; the last one is the image that ships, with each {@code FROM}'s
 *                   {@code ${ARG}} replaced by that global ARG's default (what a build without --build-arg uses)
 * @param directives the parser directives at the top of the file, e.g. {@code syntax=docker/dockerfile:1.7}
 */
public record Dockerfile(String name, List<Stage> stages, List<String> directives) {
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*");
    private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /** One instruction: its keyword upper-cased and the rest of the (joined) line. */
    public record Instruction(String keyword, String arguments) {
    }

    /**
     * A build stage.
     *
     * @param image        the image named by {@code FROM} (an earlier stage's alias or a registry reference)
     * @param alias        the {@code AS} name, if any
     * @param instructions every instruction after {@code FROM} up to the next stage
     */
    public record Stage(String image, Optional<String> alias, List<Instruction> instructions) {
        public List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction with this keyword: for USER, WORKDIR and ENTRYPOINT the one that takes effect. */
        public Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        }
    }

    public static Dockerfile read(Path file) {
        try {
            return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Dockerfile parse(String name, String text) {
        List<Stage> stages = new ArrayList<>();
        String fromImage = null;
        Optional<String> alias = Optional.empty();
        List<Instruction> current = new ArrayList<>();
        Map<String, String> globalArgs = new HashMap<>();
        for (Instruction i : instructions(text)) {
            if (i.keyword().equals("FROM")) {
                if (fromImage != null) {
                    stages.add(new Stage(fromImage, alias, List.copyOf(current)));
                }
                String[] words = withoutFlags(i.arguments());
                fromImage = substitute(words[0], globalArgs);
                alias = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? Optional.of(words[2]) : Optional.empty();
                current = new ArrayList<>();
            } else if (fromImage == null) {
                if (!i.keyword().equals("ARG")) {
                    throw new IllegalArgumentException(name + ": " + i.keyword() + " before the first FROM");
                }
                String[] kv = i.arguments().split("=", 2);
                globalArgs.put(kv[0].strip(), kv.length == 2 ? kv[1].strip().replaceAll("^\"|\"$", "") : "");
            } else {
                current.add(i);
            }
        }
        if (fromImage == null) {
            throw new IllegalArgumentException(name + ": no FROM instruction");
        }
        stages.add(new Stage(fromImage, alias, List.copyOf(current)));
        return new Dockerfile(name, List.copyOf(stages), directives(text));
    }

    /** {@code FROM ${BASE}} as built without --build-arg: an undeclared or empty ARG stays as written. */
    private static String substitute(String image, Map<String, String> args) {
        Matcher m = ARG_REFERENCE.matcher(image);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1) != null ? m.group(1) : m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null || value.isEmpty() ? m.group() : value));
        }
        return m.appendTail(out).toString();
    }

    /** Parser directives are comments of the form {@code # key=value} before any other line (BuildKit's rule). */
    private static List<String> directives(String text) {
        List<String> found = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            Matcher m = DIRECTIVE.matcher(line.strip());
            if (!m.matches()) {
                break;
            }
            found.add(m.group(1).toLowerCase(Locale.ROOT) + "=" + m.group(2));
        }
        return List.copyOf(found);
    }

    public Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    /** Stage aliases seen so far are not registry images: {@code FROM build} must not be checked for a tag. */
    public boolean isStageAlias(String image, int beforeStage) {
        return stages.subList(0, beforeStage).stream().anyMatch(s -> s.alias().map(image::equalsIgnoreCase).orElse(false));
    }

    private static List<Instruction> instructions(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            // Comment lines (and parser directives such as `# syntax=`) may even sit inside a continuation.
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String joined = pending.toString().strip();
            pending.setLength(0);
            if (!joined.isEmpty()) {
                int space = joined.indexOf(' ');
                String keyword = (space < 0 ? joined : joined.substring(0, space)).toUpperCase(Locale.ROOT);
                out.add(new Instruction(keyword, space < 0 ? "" : joined.substring(space + 1).strip()));
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException("the Dockerfile ends inside a line continuation");
        }
        return out;
    }

    /** The words of an instruction without its {@code --flag=value} options (e.g. {@code --platform}, {@code --from}). */
    static String[] withoutFlags(String arguments) {
        return java.util.Arrays.stream(arguments.trim().split("\\s+")).filter(w -> !w.startsWith("--")).toArray(String[]::new);
    }
}
