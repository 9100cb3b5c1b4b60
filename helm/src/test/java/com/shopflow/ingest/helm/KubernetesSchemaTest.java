package com.shopflow.ingest.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest the chart renders is valid for each Kubernetes minor version the chart claims (Chart.yaml
 * {@code kubeVersion}), checked strictly (unknown fields are errors, as `kubectl apply --validate=strict` and the
 * API server's field validation treat them) against Kubernetes' own OpenAPI schemas, bundled offline by the PyPI
 * package kubernetes-validate (pinned in dags/requirements-test.txt, installed here into target/).
 */
class KubernetesSchemaTest {
    /** The newest Kubernetes minor whose schemas the pinned kubernetes-validate bundles. */
    static final int NEWEST_MINOR = 37;
    private static final Pattern KUBE_VERSION = Pattern.compile("(?m)^kubeVersion:\\s*\">=\\s*1\\.(\\d+)\\.0-0\"\\s*$");
    private static final Pattern PIN = Pattern.compile("(?m)^kubernetes-validate==(\\S+)\\s*$");
    static Path validator;

    @BeforeAll
    static void installValidator() throws Exception {
        Path repo = Chart.dir().getParent().getParent();
        Path requirements = repo.resolve("dags").resolve("requirements-test.txt");
        Matcher pin = PIN.matcher(Files.readString(requirements));
        assertTrue(pin.find(), "kubernetes-validate is pinned in " + requirements);
        Path venv = Chart.dir().getParent().resolve("target").resolve("kubernetes-validate-" + pin.group(1));
        validator = venv.resolve("bin").resolve("kubernetes-validate");
        if (!Files.isExecutable(validator)) {
            run(List.of("python3", "-m", "venv", venv.toString()), 120);
            run(List.of(venv.resolve("bin").resolve("pip").toString(), "install", "-q", "--disable-pip-version-check",
                    "kubernetes-validate==" + pin.group(1), "-c", repo.resolve("dags").resolve("constraints-test.txt").toString()), 300);
        }
    }

    /** The minor versions from Chart.yaml's lower bound up to the newest schema bundled. */
    static List<String> supportedVersions() throws IOException {
        Matcher m = KUBE_VERSION.matcher(Files.readString(Chart.dir().resolve("Chart.yaml")));
        assertTrue(m.find(), "Chart.yaml claims the Kubernetes versions it supports: kubeVersion: \">=1.N.0-0\"");
        List<String> versions = new ArrayList<>();
        for (int minor = Integer.parseInt(m.group(1)); minor <= NEWEST_MINOR; minor++) {
            versions.add("1." + minor + ".0");
        }
        return versions;
    }

    /** Value sets that between them render every template: hooks are left out of `template`, so the pool Job also as a plain Job. */
    static Map<String, UnaryOperator<TemplateCommand>> valueSets() {
        Map<String, UnaryOperator<TemplateCommand>> sets = new LinkedHashMap<>();
        sets.put("defaults", t -> t);
        sets.put("defaults-plain-pool-job", t -> t.set("poolJob.helmHook", "false"));
        sets.put("production", t -> t.withValuesFile(Chart.prodValues()));
        sets.put("production-plain-pool-job", t -> t.withValuesFile(Chart.prodValues()).set("poolJob.helmHook", "false"));
        return sets;
    }

    @Test
    void everyRenderedManifestIsValidForEverySupportedKubernetesVersion() throws Exception {
        Path dir = Files.createDirectories(Chart.dir().getParent().resolve("target").resolve("rendered"));
        List<String> files = new ArrayList<>();
        int jobs = 0;
        for (var set : valueSets().entrySet()) {
            String yaml = Chart.template(set.getValue());
            jobs += yaml.contains("\nkind: Job\n") ? 1 : 0;
            Path f = dir.resolve(set.getKey() + ".yaml");
            Files.writeString(f, yaml, StandardCharsets.UTF_8);
            files.add(f.toString());
        }
        assertEquals(2, jobs, "the plain pool Job is among the validated manifests");
        List<String> versions = supportedVersions();
        assertTrue(versions.size() >= 3, "several minors are claimed: " + versions);
        for (String version : versions) {
            List<String> cmd = new ArrayList<>(List.of(validator.toString(), "--strict", "--quiet", "-k", version));
            cmd.addAll(files);
            Result r = run(cmd, 120);
            assertEquals(0, r.exit(), "Kubernetes " + version + " refuses a rendered manifest:\n" + r.output());
        }
    }

    @Test
    void theValidatorRefusesAnUnknownFieldAndAWrongType() throws Exception {
        Path bad = Files.createDirectories(Chart.dir().getParent().resolve("target")).resolve("bad-role.yaml");
        Files.writeString(bad, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: x, namespace: y}
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    verb: ["get"]
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: x, namespace: y}
                automountServiceAccountToken: "no"
                """);
        Result r = run(List.of(validator.toString(), "--strict", "-k", supportedVersions().get(0), bad.toString()), 120);
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("verb") && r.output().contains("automountServiceAccountToken"), r.output());
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }
}
