package com.shopflow.ingest.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rendered manifests parsed into fabric8's typed Kubernetes model. Parsing is the schema check: an unknown kind
 * or apiVersion would come back as {@link GenericKubernetesResource}, a misspelt field as an additional
 * property ({@link ModelFields}), a wrong type as a parse error; each fails here.
 *
 * @param yaml  the raw documents, for text-level checks
 * @param trees each document as a JSON tree
 * @param items each document as its typed model object, in the same order
 */
public record Manifests(String yaml, List<JsonNode> trees, List<HasMetadata> items) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static Manifests parse(String yaml) {
        List<JsonNode> trees = new ArrayList<>();
        List<HasMetadata> items = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue; // an empty document between separators
                }
                KubernetesResource r = YAML.treeToValue(doc, KubernetesResource.class);
                String what = doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
                if (!(r instanceof HasMetadata m) || r instanceof GenericKubernetesResource) {
                    throw new AssertionError(what + " is not a known Kubernetes kind/apiVersion: " + doc.path("apiVersion").asText());
                }
                List<String> unknown = ModelFields.unknown(m);
                if (!unknown.isEmpty()) {
                    throw new AssertionError(what + " has fields the Kubernetes API does not know: " + unknown);
                }
                trees.add(doc);
                items.add(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered YAML does not parse into the Kubernetes model", e);
        }
        return new Manifests(yaml, List.copyOf(trees), List.copyOf(items));
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return items.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    public Stream<String> kinds() {
        return items.stream().map(HasMetadata::getKind);
    }
}
