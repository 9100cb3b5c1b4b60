package com.shopflow.ingest.docker;

import java.util.Optional;

/**
 * An image reference such as {@code quay.io/quarkus/ubi9-quarkus-micro-image:2.0} or {@code repo@sha256:...},
 * split the way registries do: a colon after the last slash starts the tag (a colon before it is a port).
 */
public record ImageReference(String repository, Optional<String> tag, Optional<String> digest) {

    public static ImageReference parse(String reference) {
        String rest = reference;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        int colon = rest.lastIndexOf(':');
        Optional<String> tag = Optional.empty();
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        return new ImageReference(rest, tag, digest);
    }

    /**
     * Pinned: a content digest, or a tag that is neither absent nor {@code latest}. Build arguments
     * ({@code ${...}}) are not pinned: the image would depend on who builds it.
     */
    public boolean pinned() {
        if (repository.contains("$") || tag.map(t -> t.contains("$")).orElse(false)) {
            return false;
        }
        return digest.map(d -> d.matches("sha256:[0-9a-f]{64}")).orElse(false)
                || tag.map(t -> !t.isBlank() && !t.equalsIgnoreCase("latest")).orElse(false);
    }
}
