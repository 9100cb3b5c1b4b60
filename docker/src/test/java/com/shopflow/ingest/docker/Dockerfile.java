package com.shopflow.ingest.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read the way BuildKit reads it, as far as the conventions need: comments and parser directives
 * dropped, backslash continuations joined, instructions grouped into stages by {@code FROM}.
 *
 * @param name   the file name, for messages
 * @param stages the build stages in order; the last one is the image that ships
 */
public record Dockerfile(String name, List<Stage> stages) {

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
        for (Instruction i : instructions(text)) {
            if (i.keyword().equals("FROM")) {
                if (fromImage != null) {
                    stages.add(new Stage(fromImage, alias, List.copyOf(current)));
                }
                String[] words = withoutFlags(i.arguments());
                fromImage = words[0];
                alias = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? Optional.of(words[2]) : Optional.empty();
                current = new ArrayList<>();
            } else if (fromImage == null) {
                if (!i.keyword().equals("ARG")) {
                    throw new IllegalArgumentException(name + ": " + i.keyword() + " before the first FROM");
                }
            } else {
                current.add(i);
            }
        }
        if (fromImage == null) {
            throw new IllegalArgumentException(name + ": no FROM instruction");
        }
        stages.add(new Stage(fromImage, alias, List.copyOf(current)));
        return new Dockerfile(name, List.copyOf(stages));
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
