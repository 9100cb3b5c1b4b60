package com.shopflow.ingest.core.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.Json;
import com.shopflow.ingest.core.Redaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * OpenLineage run events (START, then COMPLETE or FAIL) for one task run: the input dataset (source table, API
 * resource or drop folder), the output dataset ({@code raw.<table>}, with the partition as a facet) and the row
 * counts. Sent to an HTTP endpoint ({@code INGEST_LINEAGE_URL}) or appended to a file
 * ({@code INGEST_LINEAGE_FILE}); off when neither is set. A lineage failure never fails the run.
 */
public final class Lineage {
    private static final Logger LOG = Logger.getLogger(Lineage.class);
    static final String PRODUCER = "https://github.com/shopflow/shopflow-ingest";
    static final String SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent";

    /** A dataset as OpenLineage names it: namespace (where) and name (what). Credentials in a URL namespace are masked. */
    public record Dataset(String namespace, String name) {
        public Dataset {
            namespace = Redaction.url(namespace);
        }
    }

    /** {@code postgres://host:port} and {@code db.schema.table} from a JDBC URL, as OpenLineage names PostgreSQL datasets. */
    public static Dataset postgres(String jdbcUrl, String qualifiedTable) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
            return new Dataset("postgres://unknown", qualifiedTable);
        }
        Redaction.url(jdbcUrl); // registers a password written into the URL
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int slash0 = rest.indexOf('/');
        int at = (slash0 < 0 ? rest : rest.substring(0, slash0)).lastIndexOf('@');
        if (at >= 0) {
            rest = rest.substring(at + 1); // user:password@ is not part of where the data lives
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String db = slash < 0 ? "postgres" : rest.substring(slash + 1);
        return new Dataset("postgres://" + (hostPort.contains(":") ? hostPort : hostPort + ":5432"), db + "." + qualifiedTable);
    }

    private final Optional<String> url;
    private final Optional<String> file;
    private final String namespace;
    private final UUID runId = UUID.randomUUID();

    public Lineage(Optional<String> url, Optional<String> file, String namespace) {
        this.url = url.filter(s -> !s.isBlank());
        this.file = file.filter(s -> !s.isBlank());
        this.namespace = namespace;
    }

    /** Sends nothing. */
    public static final Lineage NONE = new Lineage(Optional.empty(), Optional.empty(), "shopflow-ingest");

    /** From the environment: INGEST_LINEAGE_URL, INGEST_LINEAGE_FILE, INGEST_LINEAGE_NAMESPACE (default shopflow-ingest). */
    public static Lineage fromEnvironment() {
        return new Lineage(Optional.ofNullable(System.getenv("INGEST_LINEAGE_URL")), Optional.ofNullable(System.getenv("INGEST_LINEAGE_FILE")),
                Optional.ofNullable(System.getenv("INGEST_LINEAGE_NAMESPACE")).orElse("shopflow-ingest"));
    }

    public boolean enabled() {
        return url.isPresent() || file.isPresent();
    }

    public void start(String job, Dataset input, Dataset output, Interval interval) {
        // Checked before the event is built: building it is what loads Jackson, tens of ms of a run's start.
        if (!enabled()) {
            return;
        }
        emit(event("START", job, input, output, interval, null));
    }

    public void complete(String job, Dataset input, Dataset output, Interval interval, RunSummary summary) {
        if (!enabled()) {
            return;
        }
        emit(event("COMPLETE", job, input, output, interval, summary));
    }

    public void fail(String job, Dataset input, Dataset output, Interval interval, RunSummary summary) {
        if (!enabled()) {
            return;
        }
        emit(event("FAIL", job, input, output, interval, summary));
    }

    ObjectNode event(String type, String job, Dataset input, Dataset output, Interval interval, RunSummary summary) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("eventType", type);
        e.put("eventTime", Instant.now().toString());
        e.put("producer", PRODUCER);
        e.put("schemaURL", SCHEMA_URL);
        ObjectNode run = e.putObject("run");
        run.put("runId", runId.toString());
        ObjectNode runFacets = run.putObject("facets");
        if (interval != null) {
            ObjectNode nominal = runFacets.putObject("nominalTime");
            facet(nominal, "NominalTimeRunFacet");
            nominal.put("nominalStartTime", interval.start().toString());
            nominal.put("nominalEndTime", interval.end().toString());
        }
        if (summary != null && summary.node().path("error").isObject()) {
            ObjectNode err = runFacets.putObject("errorMessage");
            facet(err, "ErrorMessageRunFacet");
            err.put("message", summary.node().get("error").get("message").asText());
            err.put("programmingLanguage", "JAVA");
        }
        ObjectNode jobNode = e.putObject("job");
        jobNode.put("namespace", namespace);
        jobNode.put("name", job);
        ArrayNode inputs = e.putArray("inputs");
        if (input != null) {
            ObjectNode in = inputs.addObject();
            in.put("namespace", input.namespace());
            in.put("name", input.name());
        }
        ArrayNode outputs = e.putArray("outputs");
        ObjectNode out = outputs.addObject();
        out.put("namespace", output.namespace());
        out.put("name", output.name());
        ObjectNode facets = out.putObject("facets");
        if (interval != null) {
            ObjectNode partition = facets.putObject("partition");
            facet(partition, "PartitionDatasetFacet");
            partition.put("intervalStart", interval.start().toString());
            partition.put("intervalEnd", interval.end().toString());
        }
        if (summary != null && summary.node().path("rows").isNumber()) {
            ObjectNode stats = out.putObject("outputFacets").putObject("outputStatistics");
            facet(stats, "OutputStatisticsOutputDatasetFacet");
            stats.put("rowCount", summary.node().get("rows").asLong());
        }
        return e;
    }

    private static void facet(ObjectNode n, String name) {
        n.put("_producer", PRODUCER);
        n.put("_schemaURL", "https://openlineage.io/spec/facets/1-0-0/" + name + ".json");
    }

    private void emit(ObjectNode event) {
        if (!enabled()) {
            return;
        }
        String json = Redaction.scrub(event.toString());
        file.ifPresent(f -> {
            try {
                Files.writeString(Path.of(f), json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ex) {
                LOG.warnf("lineage event not written to %s: %s", f, ex.getMessage());
            }
        });
        url.ifPresent(u -> {
            try {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 300) {
                    LOG.warnf("lineage endpoint answered %d", r.statusCode());
                }
            } catch (IOException ex) {
                LOG.warnf("lineage event not sent: %s", ex.getMessage());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
