package com.shopflow.ingest.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The shopflow-ingest chart, rendered with Helm's own Go library through helm-java (no helm binary): the same
 * templates, schema validation and Sprig functions as `helm template`.
 */
public final class Chart {
    /** The tasks namespace used for rendering; Airflow's namespace comes from the values (empty: this one). */
    public static final String NAMESPACE = "shopflow-tasks";
    public static final String RELEASE = "shopflow-ingest";
    public static final String KUBE_VERSION = "1.30.0";

    private Chart() {
    }

    public static Path dir() {
        String p = System.getProperty("chart.dir");
        return (p != null ? Path.of(p) : Path.of("shopflow-ingest")).toAbsolutePath().normalize();
    }

    public static Path prodValues() {
        return dir().resolve("ci").resolve("prod-values.yaml");
    }

    public static Helm helm() {
        return new Helm(dir());
    }

    /** `helm template` of the chart, with {@code options} (values files, --set) applied; throws when Helm refuses. */
    public static String template(UnaryOperator<TemplateCommand> options) {
        TemplateCommand t = helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        return options.apply(t).call();
    }

    /** The rendered manifests, each parsed into the typed Kubernetes model. */
    public static Manifests render(UnaryOperator<TemplateCommand> options) {
        return Manifests.parse(template(options));
    }

    public static Manifests defaults() {
        return render(t -> t);
    }

    public static Manifests production() {
        return render(t -> t.withValuesFile(prodValues()));
    }
}
