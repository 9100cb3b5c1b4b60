package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing into the model is a real validation: it refuses what the API server would refuse. */
class ManifestsTest {

    @Test
    void shouldRefuseAMisspeltField() {
        AssertionError e = assertThrows(AssertionError.class, () -> Manifests.parse("""
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: task
                automountServiceAcountToken: false
                """));
        assertTrue(e.getMessage().contains("automountServiceAcountToken"), e.getMessage());
    }

    @Test
    void shouldRefuseAMisspeltNestedField() {
        AssertionError e = assertThrows(AssertionError.class, () -> Manifests.parse("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: r}
                rules:
                  - apiGroups: [""]
                    resource: ["pods"]
                    verbs: ["get"]
                """));
        assertTrue(e.getMessage().contains("rules[0].resource"), e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownKindOrApiVersion() {
        assertThrows(AssertionError.class, () -> Manifests.parse("apiVersion: batch/v2\nkind: Job\nmetadata: {name: j}\n"));
        assertThrows(AssertionError.class, () -> Manifests.parse("apiVersion: v1\nkind: Podd\nmetadata: {name: p}\n"));
    }

    @Test
    void shouldRefuseAWrongType() {
        assertThrows(RuntimeException.class, () -> Manifests.parse("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: [a, b]}\n"));
    }

    @Test
    void shouldReadEveryDocumentOfAStream() {
        Manifests m = Manifests.parse("---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n# only a comment\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {K: v}\n");
        assertEquals(java.util.List.of("ServiceAccount", "ConfigMap"), m.kinds().toList());
    }
}
