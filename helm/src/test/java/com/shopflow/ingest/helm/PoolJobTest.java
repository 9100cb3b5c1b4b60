package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The hook Job that creates the Airflow pools: right commands, bounded resources, no privileges. */
class PoolJobTest {

    static Job job(Manifests m) {
        return m.one(Job.class);
    }

    static Manifests plain(String valuesFile) {
        return valuesFile == null ? Chart.render(t -> t.set("poolJob.helmHook", false))
                : Chart.render(t -> t.withValuesFile(Chart.prodValues()).set("poolJob.helmHook", false));
    }

    @Test
    void shouldBeAPostInstallAndPostUpgradeHook() throws IOException {
        // helm-java's template leaves hooks out, so the rendered release without the Job shows that Helm took it as
        // a hook; the annotation says which.
        assertTrue(Chart.defaults().all(Job.class).isEmpty(), "the Job is a hook, not part of the release manifest");
        String template = Files.readString(Chart.dir().resolve("templates").resolve("pool-job.yaml"));
        assertTrue(template.contains("\"helm.sh/hook\": post-install,post-upgrade"), template);
        assertTrue(template.contains("\"helm.sh/hook-delete-policy\": before-hook-creation,hook-succeeded"), template);
    }

    @Test
    void shouldSetEveryPoolWithTheAirflowCli() {
        Job job = job(plain(null));
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals(List.of(List.of("airflow", "pools", "set", "products_api", "1", "ShopFlow products API: 100 requests per token per 60 s"),
                        List.of("airflow", "pools", "set", "shopflow_source_db", "4", "ShopFlow operational database: concurrent extract-db pods")),
                pod.getContainers().stream().map(Container::getArgs).toList());
        assertEquals(List.of("airflow", "db", "check-migrations", "--migration-wait-timeout=300"), pod.getInitContainers().get(0).getArgs());
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).forEach(c -> {
            assertEquals("apache/airflow:3.3.0", c.getImage());
            assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the image's entrypoint stays (it prepares Airflow's environment)");
        });
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(Chart.NAMESPACE, job.getMetadata().getNamespace(), "Airflow's namespace, by default the release's");
        assertEquals("airflow", job(plain("prod")).getMetadata().getNamespace(), "next to Airflow and its metadata Secret");
    }

    @Test
    void shouldCreateThePoolsTheDagsUse() {
        for (Manifests m : List.of(plain(null), plain("prod"))) {
            Map<String, String> dag = m.one(ConfigMap.class).getData();
            List<String> created = job(m).getSpec().getTemplate().getSpec().getContainers().stream().map(c -> c.getArgs().get(3)).toList();
            for (String pool : List.of(dag.get("SHOPFLOW_POOL_SOURCE_DB"), dag.get("SHOPFLOW_POOL_PRODUCTS_API"), dag.get("SHOPFLOW_POOL_FILE_DROP"))) {
                assertTrue(pool.equals("default_pool") || created.contains(pool), pool + " is used by the DAGs but not created: " + created);
            }
        }
        Exception e = assertThrows(Exception.class, () -> Chart.template(t -> t.set("dag.pools.productsApi", "catalog_api")));
        assertTrue(e.getMessage().contains("dag.pools.productsApi \"catalog_api\" is not in pools"), e.getMessage());
    }

    @Test
    void shouldPassIncludeDeferredOnlyWhereAsked() {
        List<List<String>> args = job(plain("prod")).getSpec().getTemplate().getSpec().getContainers().stream().map(Container::getArgs).toList();
        assertEquals("--include-deferred", args.get(0).get(args.get(0).size() - 1), "products_api counts deferred tasks");
        assertFalse(args.get(1).contains("--include-deferred"));
    }

    @Test
    void shouldHaveResourcesAndRunAsNonRootWithoutPrivileges() {
        for (Manifests m : List.of(plain(null), plain("prod"))) {
            Job job = job(m);
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
            assertTrue(pod.getSecurityContext().getRunAsUser() != null && pod.getSecurityContext().getRunAsUser() > 0);
            assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "the Airflow CLI needs no Kubernetes API");
            assertNotNull(job.getSpec().getBackoffLimit());
            assertNotNull(job.getSpec().getActiveDeadlineSeconds(), "a stuck database wait ends");
            Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).forEach(c -> {
                assertNotNull(c.getResources().getRequests().get("cpu"), c.getName());
                assertNotNull(c.getResources().getRequests().get("memory"), c.getName());
                assertNotNull(c.getResources().getLimits().get("memory"), c.getName());
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
                assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), c.getName());
            });
        }
    }

    @Test
    void shouldGiveThePlainJobANamePerRevisionAndAnExpiry() {
        Job job = job(plain(null));
        assertEquals("shopflow-ingest-pools-1", job.getMetadata().getName(), "a Job's template is immutable: one per revision");
        assertEquals(86400, job.getSpec().getTtlSecondsAfterFinished());
    }

    @Test
    void shouldRenderNoJobWhenDisabled() {
        assertTrue(Chart.render(t -> t.set("poolJob.enabled", false).set("poolJob.helmHook", false)).all(Job.class).isEmpty());
    }
}
