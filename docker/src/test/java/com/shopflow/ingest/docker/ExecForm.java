package com.shopflow.ingest.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The exec (JSON array) form of ENTRYPOINT, RUN and CMD; empty when the instruction uses the shell form. */
public final class ExecForm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecForm() {
    }

    public static Optional<List<String>> parse(String arguments) {
        String s = arguments.strip();
        if (!s.startsWith("[")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(s);
            List<String> words = new ArrayList<>();
            for (JsonNode w : node) {
                if (!w.isTextual()) {
                    return Optional.empty();
                }
                words.add(w.asText());
            }
            return node.isArray() && !words.isEmpty() ? Optional.of(List.copyOf(words)) : Optional.empty();
        } catch (Exception e) {
            // Docker falls back to the shell form for an invalid JSON array, so this is the shell form too.
            return Optional.empty();
        }
    }
}
