package com.shopflow.ingest.core.landing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a source offers for one run: its data columns in order (name and warehouse type). Metadata
 * columns ({@code _interval_start}, ...) are added by the landing, not listed here.
 */
public record Shape(List<Column> columns) {
    public Shape {
        columns = List.copyOf(columns);
    }

    public Column column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** Identifies the shape, so a resume never mixes rows staged under another shape. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Column c : columns) {
                md.update(c.name().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(c.type().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 1);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
