package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Airflow's service accounts may launch and follow task pods in the tasks namespace, and do nothing else there. */
class PodLauncherRbacTest {
    /** The KubernetesPodOperator's needs (cncf-kubernetes provider's RBAC guide), and exactly those. */
    static final Map<String, Set<String>> EXPECTED = Map.of(
            "pods", Set.of("create", "get", "list", "watch", "delete", "patch"),
            "pods/log", Set.of("get"),
            "pods/exec", Set.of("create", "get"),
            "events", Set.of("list", "watch"));

    @Test
    void shouldGrantExactlyWhatThePodOperatorNeeds() {
        Role role = Chart.defaults().one(Role.class);
        Map<String, Set<String>> granted = new TreeMap<>();
        for (PolicyRule r : role.getRules()) {
            assertEquals(List.of(""), r.getApiGroups(), "core API group only");
            assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty());
            for (String resource : r.getResources()) {
                granted.computeIfAbsent(resource, k -> new TreeSet<>()).addAll(r.getVerbs());
            }
        }
        assertEquals(new TreeMap<>(EXPECTED), granted);
        assertTrue(role.getRules().stream().flatMap(r -> r.getVerbs().stream()).noneMatch("*"::equals), "no wildcard verbs");
        assertTrue(role.getRules().stream().flatMap(r -> r.getResources().stream()).noneMatch(x -> x.contains("secret")),
                "Airflow needs no access to the task Secrets: the kubelet resolves secretKeyRef");
    }

    @Test
    void shouldBindTheRoleToAirflowsServiceAccountsInAirflowsNamespace() {
        Manifests m = Chart.production();
        RoleBinding binding = m.one(RoleBinding.class);
        Role role = m.one(Role.class);
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(role.getMetadata().getNamespace(), binding.getMetadata().getNamespace());
        assertEquals(List.of("ServiceAccount airflow/airflow-worker", "ServiceAccount airflow/airflow-scheduler",
                "ServiceAccount airflow/airflow-triggerer"), binding.getSubjects().stream().map(PodLauncherRbacTest::describe).toList());
    }

    @Test
    void shouldBindServiceAccountsOfTheReleaseNamespaceWhenAirflowRunsThere() {
        RoleBinding binding = Chart.render(t -> t.set("airflow.serviceAccounts[0]", "data-airflow-worker")
                .set("airflow.serviceAccounts[1]", "data-airflow-scheduler").set("airflow.serviceAccounts[2]", "data-airflow-triggerer"))
                .one(RoleBinding.class);
        assertEquals(List.of("ServiceAccount " + Chart.NAMESPACE + "/data-airflow-worker", "ServiceAccount " + Chart.NAMESPACE
                + "/data-airflow-scheduler", "ServiceAccount " + Chart.NAMESPACE + "/data-airflow-triggerer"),
                binding.getSubjects().stream().map(PodLauncherRbacTest::describe).toList());
    }

    @Test
    void shouldLeaveRbacOutWhenThePlatformManagesIt() {
        Manifests m = Chart.render(t -> t.set("podLauncher.create", false));
        assertTrue(m.all(Role.class).isEmpty() && m.all(RoleBinding.class).isEmpty(), m.kinds().toList().toString());
    }

    private static String describe(Subject s) {
        return s.getKind() + " " + s.getNamespace() + "/" + s.getName();
    }
}
