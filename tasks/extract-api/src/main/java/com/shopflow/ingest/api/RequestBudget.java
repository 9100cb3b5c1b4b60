package com.shopflow.ingest.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Permission to send one request to the API, waiting as long as the budget requires. */
interface RequestBudget extends AutoCloseable {
    /** Blocks until a request may be sent and counts it; returns the milliseconds waited. */
    long acquire();

    @Override
    default void close() {
    }

    /**
     * The budget's name: one per API and token, so every run sharing a token shares the budget. Only hashes
     * are stored, never the token.
     */
    static String name(String url, String token) {
        return "products:" + sha(url).substring(0, 12) + ":" + sha(token).substring(0, 16);
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
