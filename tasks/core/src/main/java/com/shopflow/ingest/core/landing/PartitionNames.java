package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Interval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic table names for one partition of a raw table: the published partition
 * ({@code orders__20261123T000000Z__20261124T000000Z}) and its staging table ({@code stage__...}).
 * Names that would pass PostgreSQL's 63-byte limit are shortened with a hash, never truncated.
 */
public record PartitionNames(String published, String staging) {

    public static PartitionNames of(String table, Interval interval) {
        String suffix = "__" + Interval.compact(interval.start()) + "__" + Interval.compact(interval.end());
        return new PartitionNames(fit(table + suffix), fit("stage__" + table + suffix));
    }

    private static String fit(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 63) {
            return name;
        }
        String hash = sha(name).substring(0, 12);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length();) {
            int cp = name.codePointAt(i);
            String s = new String(Character.toChars(cp));
            if (b.toString().getBytes(StandardCharsets.UTF_8).length + s.getBytes(StandardCharsets.UTF_8).length > 63 - 13) {
                break;
            }
            b.append(s);
            i += Character.charCount(cp);
        }
        return b + "_" + hash;
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
