package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional NetworkPolicy: off by default; when on, task pods take no traffic and reach DNS and the listed CIDRs. */
class NetworkPolicyTest {

    @Test
    void shouldRenderNoNetworkPolicyByDefault() {
        assertTrue(Chart.defaults().all(NetworkPolicy.class).isEmpty());
    }

    @Test
    void shouldAllowOnlyDnsWhenEnabledWithoutDestinations() {
        NetworkPolicy np = Chart.render(t -> t.set("networkPolicy.enabled", true)).one(NetworkPolicy.class);
        assertEquals(List.of("Ingress", "Egress"), np.getSpec().getPolicyTypes());
        assertTrue(np.getSpec().getIngress() == null || np.getSpec().getIngress().isEmpty(), "no ingress at all");
        assertEquals(1, np.getSpec().getEgress().size());
        NetworkPolicyEgressRule dns = np.getSpec().getEgress().get(0);
        assertEquals(List.of("53/UDP", "53/TCP"), dns.getPorts().stream().map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList());
        assertEquals(Map.of("kubernetes.io/metadata.name", "kube-system"), dns.getTo().get(0).getNamespaceSelector().getMatchLabels());
        assertEquals(Map.of("k8s-app", "kube-dns"), dns.getTo().get(0).getPodSelector().getMatchLabels());
    }

    @Test
    void shouldSelectTheTaskPodsAndAllowTheConfiguredDestinations() {
        NetworkPolicy np = Chart.production().one(NetworkPolicy.class);
        assertEquals(Chart.NAMESPACE, np.getMetadata().getNamespace());
        // dags/shopflow/factory.py labels every task pod with these.
        assertEquals(Map.of("app.kubernetes.io/name", "shopflow-ingest", "app.kubernetes.io/managed-by", "airflow"),
                np.getSpec().getPodSelector().getMatchLabels());
        List<String> egress = np.getSpec().getEgress().stream().skip(1)
                .map(r -> r.getTo().get(0).getIpBlock().getCidr() + " " + r.getPorts().stream()
                        .map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList()).toList();
        assertEquals(List.of("10.20.8.0/24 [5432/TCP]", "10.30.0.0/16 [5432/TCP]", "10.40.1.10/32 [443/TCP]"), egress);
        assertEquals(List.of("10.30.99.0/24"), np.getSpec().getEgress().get(2).getTo().get(0).getIpBlock().getExcept());
    }
}
