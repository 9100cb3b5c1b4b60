package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every SHOPFLOW_* variable the chart hands to Airflow is one the DAGs read (dags/shopflow/*.py): a renamed or
 * misspelt variable would otherwise be ignored silently and the DAGs would fall back to their defaults.
 */
class DagConfigContractTest {

    static String dagSources() throws IOException {
        Path dags = Chart.dir().getParent().getParent().resolve("dags").resolve("shopflow");
        assumeTrue(Files.isDirectory(dags), "no DAG code at " + dags + " yet");
        try (Stream<Path> files = Files.walk(dags)) {
            return files.filter(p -> p.toString().endsWith(".py")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
    }

    /**
     * Read when the name is a string literal, or is built from literal parts: f"SHOPFLOW_IMAGE_{kind}" and
     * f"{prefix}_DELAY_SECONDS" with prefix "SHOPFLOW_RETRIES".
     */
    static boolean read(String sources, String name) {
        if (sources.contains("\"" + name + "\"")) {
            return true;
        }
        return IntStream.range(1, name.length()).anyMatch(i -> {
            String head = name.substring(0, i);
            String tail = name.substring(i);
            boolean headLiteral = sources.contains("\"" + head + "\"") || sources.contains("\"" + head + "{");
            boolean tailBuilt = sources.contains("\"" + head + "{") || sources.contains("}" + tail + "\"");
            boolean prefixScan = head.endsWith("_") && sources.contains("\"" + head + "\"");
            return headLiteral && (tailBuilt || prefixScan);
        });
    }

    @Test
    void shouldSetOnlyVariablesTheDagsRead() throws IOException {
        String sources = dagSources();
        for (Manifests m : List.of(Chart.defaults(), Chart.production())) {
            List<String> unread = m.one(ConfigMap.class).getData().keySet().stream().filter(k -> !read(sources, k)).sorted().toList();
            assertEquals(List.of(), unread, "SHOPFLOW_* variables in the ConfigMap that no DAG reads");
        }
    }

    @Test
    void shouldTellReadFromUnreadNames() {
        String sources = "a = e.text(\"SHOPFLOW_RUNNER\", d)\nb = f\"SHOPFLOW_IMAGE_{x}\"\nc = e.retries(\"SHOPFLOW_RETRIES\", d)\n"
                + "d = f\"{prefix}_DELAY_SECONDS\"\nprefix = \"SHOPFLOW_SECRET_KEY_\"\n";
        for (String name : List.of("SHOPFLOW_RUNNER", "SHOPFLOW_IMAGE_LAND_FILES", "SHOPFLOW_RETRIES_DELAY_SECONDS",
                "SHOPFLOW_SECRET_KEY_SOURCE_DB_URL")) {
            assertEquals(true, read(sources, name), name);
        }
        for (String name : List.of("SHOPFLOW_RUNNERS", "SHOPFLOW_TIMEZONE", "SHOPFLOW_RETRIES_BACKOFF_FACTOR")) {
            assertEquals(false, read(sources, name), name);
        }
    }
}
