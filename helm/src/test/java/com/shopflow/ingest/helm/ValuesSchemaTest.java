package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** values.schema.json refuses values that would deploy something wrong, before anything reaches the cluster. */
class ValuesSchemaTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "images.extractDb.tag|latest",
        "images.landFiles.tag|LATEST",
        "images.extractApi.tag|''",
        "airflow.image.tag|latest",
        "images.extractDb.repository|registry.example.com/shopflow/extract-db:latest",
        "images.extractDb.digest|sha256:abc",
        "images.pullPolicy|Sometimes",
        "dag.retries.count|1",
        "dag.retries.count|many",
        "dag.maxActiveRuns|0",
        "dag.chunks.orders|200",
        "dag.runner|celery",
        "dag.startDate|yesterday",
        "dag.extraEnv.WAREHOUSE_DB_PASSWORD|x",
        "taskEnv.WAREHOUSE_DB_PASSWORD|x",
        "secrets.sourceDb.name|Shop_DB",
        "taskServiceAccount.create|yes",
        "poolJob.podSecurityContext.runAsNonRoot|false",
        "poolJob.securityContext.allowPrivilegeEscalation|true",
        "networkPolicy.egress[0].cidr|10.0.0.0",
        "imagesTypo.extractDb|x",
    })
    void shouldRefuseABadValue(String key, String value) {
        Exception e = assertThrows(Exception.class, () -> Chart.template(t -> t.set(key, value)), key + "=" + value + " was accepted");
        assertTrue(e.getMessage().toLowerCase().contains("schema"), "refused by the values schema, not by accident: " + e.getMessage());
    }

    @Test
    void shouldRefuseAWrongTypeFromAValuesFile() throws Exception {
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("bad-values", ".yaml");
        try {
            java.nio.file.Files.writeString(bad, "dag:\n  maxParallelChunks: \"four\"\npools: products_api\n");
            Exception e = assertThrows(Exception.class, () -> Chart.template(t -> t.withValuesFile(bad)));
            assertTrue(e.getMessage().contains("maxParallelChunks") && e.getMessage().contains("pools"), e.getMessage());
        } finally {
            java.nio.file.Files.delete(bad);
        }
    }

    @Test
    void shouldAcceptADigestAndPreferItToTheTag() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        String image = Chart.render(t -> t.set("images.extractDb.digest", digest)).one(ConfigMap.class).getData().get("SHOPFLOW_IMAGE_EXTRACT_DB");
        assertEquals("registry.example.com/shopflow/extract-db@" + digest, image);
    }

    @Test
    void shouldAcceptARegistryWithAPort() {
        String image = Chart.render(t -> t.set("images.landFiles.repository", "localhost:5000/shopflow/land-files"))
                .one(ConfigMap.class).getData().get("SHOPFLOW_IMAGE_LAND_FILES");
        assertEquals("localhost:5000/shopflow/land-files:0.1.0", image);
    }
}
