package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart names Secrets and keys; no secret value is in its values, its manifests or its DAG configuration. */
class NoSecretValuesTest {
    /** Text that looks like a credential: key material, a JWT, a URL or DSN with a password, a long base64 blob. */
    static final List<Pattern> SECRET_LOOKING = List.of(
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}"),
            Pattern.compile("(?i)(password|passwd|pwd|token|secret)=[^&\\s\"']+"),
            Pattern.compile("://[^/\\s:@]+:[^/\\s@]+@"),
            Pattern.compile("(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{40,}={0,2}"));

    @Test
    void shouldRenderNoSecretObjects() {
        for (Manifests m : List.of(Chart.defaults(), Chart.production(), Chart.render(t -> t.set("poolJob.helmHook", false)))) {
            assertEquals(List.of(), m.kinds().filter(k -> k.equals("Secret")).toList(), "the chart only references existing Secrets");
        }
    }

    @Test
    void shouldHaveNoSecretLookingTextInValuesOrManifests() throws IOException {
        List<String> texts = new ArrayList<>(List.of(Files.readString(Chart.dir().resolve("values.yaml")),
                Files.readString(Chart.prodValues())));
        for (Manifests m : List.of(Chart.defaults(), Chart.production(), Chart.render(t -> t.set("poolJob.helmHook", false)))) {
            m.trees().forEach(tree -> strings(tree, texts));
        }
        for (String text : texts) {
            for (Pattern p : SECRET_LOOKING) {
                assertTrue(!p.matcher(text).find(), "secret-looking text (" + p + "): " + text);
            }
        }
    }

    @Test
    void shouldCatchASecretPutIntoTheValues() {
        // The scan above must be able to fail: a password smuggled in through extraEnv is found.
        List<String> texts = new ArrayList<>();
        Chart.render(t -> t.set("dag.extraEnv.SHOPFLOW_DSN", "postgresql://ingest:Hunter2-canary@db:5432/shop"))
                .trees().forEach(tree -> strings(tree, texts));
        assertTrue(texts.stream().anyMatch(s -> SECRET_LOOKING.stream().anyMatch(p -> p.matcher(s).find())), texts.toString());
    }

    @Test
    void shouldPassOnlySecretNamesAndKeysToTheDags() {
        Map<String, String> dag = Chart.production().one(ConfigMap.class).getData();
        assertEquals(Map.of("SHOPFLOW_SOURCE_DB_SECRET", "shop-db-readonly", "SHOPFLOW_SECRET_KEY_SOURCE_DB_PASSWORD", "password",
                "SHOPFLOW_PRODUCTS_API_SECRET", "catalog-api-ingest", "SHOPFLOW_SECRET_KEY_PRODUCTS_API_TOKEN", "bearer-token"),
                Map.of("SHOPFLOW_SOURCE_DB_SECRET", dag.get("SHOPFLOW_SOURCE_DB_SECRET"),
                        "SHOPFLOW_SECRET_KEY_SOURCE_DB_PASSWORD", dag.get("SHOPFLOW_SECRET_KEY_SOURCE_DB_PASSWORD"),
                        "SHOPFLOW_PRODUCTS_API_SECRET", dag.get("SHOPFLOW_PRODUCTS_API_SECRET"),
                        "SHOPFLOW_SECRET_KEY_PRODUCTS_API_TOKEN", dag.get("SHOPFLOW_SECRET_KEY_PRODUCTS_API_TOKEN")));
        assertTrue(dag.keySet().stream().noneMatch(k -> k.matches(".*_(PASSWORD|TOKEN)$") && !k.startsWith("SHOPFLOW_SECRET_KEY_")),
                "no variable in the ConfigMap holds a password or token itself: " + dag.keySet());
    }

    @Test
    void shouldTakeAirflowsDatabaseConnectionFromItsSecret() {
        Job job = Chart.render(t -> t.set("poolJob.helmHook", false)).one(Job.class);
        List<Container> containers = Stream.concat(job.getSpec().getTemplate().getSpec().getInitContainers().stream(),
                job.getSpec().getTemplate().getSpec().getContainers().stream()).toList();
        for (Container c : containers) {
            for (EnvVar e : c.getEnv()) {
                assertEquals(null, e.getValue(), c.getName() + " sets " + e.getName() + " as a literal value");
                assertEquals("airflow-metadata", e.getValueFrom().getSecretKeyRef().getName());
                assertEquals("connection", e.getValueFrom().getSecretKeyRef().getKey());
            }
            assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")), c.getName());
        }
    }

    static void strings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.fieldNames().forEachRemaining(out::add);
        node.forEach(child -> strings(child, out));
    }
}
