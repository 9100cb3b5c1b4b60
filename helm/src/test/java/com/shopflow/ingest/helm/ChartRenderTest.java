package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart lints strictly and renders, with its defaults and with production-like values, into valid objects. */
class ChartRenderTest {

    @Test
    void shouldPassStrictLint() {
        LintResult lint = Chart.helm().lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")), lint.getMessages().toString());
    }

    @Test
    void shouldRenderTheDefaultsIntoKnownKubernetesObjects() {
        Manifests m = Chart.defaults();
        // The pool Job is a hook: helm-java's `template` prints only the release manifest, as `helm install` applies it.
        assertEquals(List.of("ConfigMap", "Role", "RoleBinding", "ServiceAccount"), m.kinds().sorted().toList());
        m.items().forEach(o -> assertFalse(o.getMetadata().getNamespace() == null || o.getMetadata().getNamespace().isBlank(),
                o.getKind() + " " + o.getMetadata().getName() + " names its namespace explicitly"));
    }

    @Test
    void shouldRenderTheProductionValuesIntoKnownKubernetesObjects() {
        Manifests m = Chart.production();
        assertEquals(List.of("ConfigMap", "NetworkPolicy", "Role", "RoleBinding", "ServiceAccount"), m.kinds().sorted().toList());
        Map<String, String> namespaces = m.items().stream()
                .collect(Collectors.toMap(o -> o.getKind(), o -> o.getMetadata().getNamespace()));
        assertEquals("airflow", namespaces.get("ConfigMap"), "the DAG configuration lives where Airflow runs");
        for (String kind : List.of("ServiceAccount", "Role", "RoleBinding", "NetworkPolicy")) {
            assertEquals(Chart.NAMESPACE, namespaces.get(kind), kind + " lives where the task pods run");
        }
    }

    @Test
    void shouldRenderThePoolJobAsAPlainManifestWhenItIsNoHook() {
        Manifests m = Chart.render(t -> t.set("poolJob.helmHook", false));
        assertEquals(1, m.all(io.fabric8.kubernetes.api.model.batch.v1.Job.class).size());
        assertTrue(m.one(io.fabric8.kubernetes.api.model.batch.v1.Job.class).getMetadata().getAnnotations() == null
                || !m.one(io.fabric8.kubernetes.api.model.batch.v1.Job.class).getMetadata().getAnnotations().containsKey("helm.sh/hook"));
    }

    @Test
    void shouldNameAnExistingServiceAccountInTheDagConfiguration() {
        for (Manifests m : List.of(Chart.defaults(), Chart.production())) {
            Map<String, String> dag = m.one(ConfigMap.class).getData();
            ServiceAccount sa = m.one(ServiceAccount.class);
            assertEquals(dag.get("SHOPFLOW_SERVICE_ACCOUNT"), sa.getMetadata().getName());
            assertEquals(dag.get("SHOPFLOW_NAMESPACE"), sa.getMetadata().getNamespace());
            assertEquals(Boolean.FALSE, sa.getAutomountServiceAccountToken(), "task pods get no API token");
            assertTrue(m.all(RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream())
                    .noneMatch(s -> s.getName().equals(sa.getMetadata().getName())), "no Role is bound to the task service account");
        }
    }

    @Test
    void shouldFailTheRenderWhenTheTaskServiceAccountIsNeitherCreatedNorNamed() {
        Exception e = assertThrows(Exception.class, () -> Chart.template(t -> t.set("taskServiceAccount.create", false)));
        assertTrue(e.getMessage().contains("taskServiceAccount.name is required"), e.getMessage());
        String sa = Chart.render(t -> t.set("taskServiceAccount.create", false).set("taskServiceAccount.name", "platform-task"))
                .one(ConfigMap.class).getData().get("SHOPFLOW_SERVICE_ACCOUNT");
        assertEquals("platform-task", sa, "an existing service account can be named instead");
    }
}
