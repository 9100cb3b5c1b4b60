package com.shopflow.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The DAGs decide which exit codes Airflow retries from {@code dags/shopflow/exit_codes.json}; this test keeps that
 * file equal to {@link ErrorCode}, so the tasks and the DAGs follow one rule.
 */
class ExitCodesFileTest {
    static final Path FILE = Path.of("../../dags/shopflow/exit_codes.json");
    static final String REGENERATE = "./mvnw -B -ntp -pl tasks/core test -Dtest=ExitCodesFileTest -Dexit-codes.regenerate=true";

    static String expected() {
        TreeSet<Integer> exits = new TreeSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            exits.add(c.exitCode());
        }
        List<String> failFast = new ArrayList<>();
        for (int e : exits) {
            if (ErrorCode.failsFast(e)) {
                failFast.add(Integer.toString(e));
            }
        }
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"_generated\": \"from tasks/core ErrorCode by ExitCodesFileTest; regenerate with: ").append(REGENERATE).append("\",\n");
        b.append("  \"fail_fast_exit_codes\": [").append(String.join(", ", failFast)).append("],\n");
        b.append("  \"error_codes\": {\n");
        ErrorCode[] all = ErrorCode.values();
        for (int i = 0; i < all.length; i++) {
            b.append("    \"").append(all[i].name()).append("\": {\"exit_code\": ").append(all[i].exitCode())
                    .append(", \"retryable\": ").append(all[i].retryable())
                    .append(", \"retry\": \"").append(all[i].retry()).append("\"}").append(i + 1 < all.length ? ",\n" : "\n");
        }
        return b.append("  }\n}\n").toString();
    }

    @Test
    void dagExitCodeFileMatchesErrorCode() throws Exception {
        if (Boolean.getBoolean("exit-codes.regenerate")) {
            Files.writeString(FILE, expected(), StandardCharsets.UTF_8);
        }
        String actual = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(expected(), actual, FILE.normalize() + " is out of date with ErrorCode; regenerate it with: " + REGENERATE);
    }

    @Test
    void dataAndSchemaErrorsFailFastAndBugsAreNotRetriedInTheRun() {
        assertTrue(ErrorCode.failsFast(2));
        assertTrue(ErrorCode.failsFast(3));
        assertTrue(ErrorCode.failsFast(4));
        assertFalse(ErrorCode.failsFast(1));
        assertFalse(ErrorCode.INTERNAL.retryable());
        assertEquals(ErrorCode.Retry.NEXT_ATTEMPT, ErrorCode.INTERNAL.retry());
        assertFalse(Failures.isTransient(new IngestException(ErrorCode.INTERNAL, "a bug")));
        assertFalse(Failures.retriedInRun(new IngestException(ErrorCode.INTERNAL, "a bug")));
        assertFalse(Failures.retriedInRun(new IllegalStateException("a bug")));
    }

    /** The help's "Exit codes" section lists exactly the exit codes of the file, fail-fast ones said so. */
    @Test
    void exitCodeHelpMatchesTheFile() throws Exception {
        com.fasterxml.jackson.databind.JsonNode file = new com.fasterxml.jackson.databind.ObjectMapper().readTree(FILE.toFile());
        TreeSet<String> exits = new TreeSet<>(List.of("0"));
        file.get("error_codes").forEach(c -> exits.add(c.get("exit_code").asText()));
        java.util.Map<String, String> help = com.shopflow.ingest.core.cli.ExitCodeHelp.lines();
        assertEquals(exits, new TreeSet<>(help.keySet()));
        TreeSet<String> failFast = new TreeSet<>();
        file.get("fail_fast_exit_codes").forEach(e -> failFast.add(e.asText()));
        file.get("error_codes").fields().forEachRemaining(e -> {
            String line = help.get(e.getValue().get("exit_code").asText());
            assertTrue(line.contains(e.getKey()), "exit " + e.getValue().get("exit_code") + " help names " + e.getKey() + ": " + line);
        });
        for (String exit : exits) {
            assertEquals(failFast.contains(exit), help.get(exit).contains("fails fast"), "exit " + exit + ": " + help.get(exit));
        }
    }
}
