package com.shopflow.ingest.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A partner drop written by a test: {@code root/marketplace_orders/<day>/marketplace_orders_<yyyymmdd>_<nn>.csv[.gz]}. */
final class Drop {
    static final String HEADER = "order_ref,ordered_at,customer_email,sku,quantity,unit_price,currency";
    final Path root;

    Drop(Path root) {
        this.root = root;
    }

    static Drop create() throws IOException {
        return new Drop(Files.createTempDirectory("drop"));
    }

    Path day(String day) throws IOException {
        return Files.createDirectories(root.resolve("marketplace_orders").resolve(day));
    }

    static String fileName(String day, int seq, boolean gz) {
        return "marketplace_orders_" + day.replace("-", "") + "_" + String.format("%02d", seq) + ".csv" + (gz ? ".gz" : "");
    }

    Path csv(String day, int seq, String content) throws IOException {
        return bytes(day, seq, content.getBytes(StandardCharsets.UTF_8));
    }

    Path bytes(String day, int seq, byte[] content) throws IOException {
        return Files.write(day(day).resolve(fileName(day, seq, false)), content);
    }

    Path gz(String day, int seq, String content) throws IOException {
        Path p = day(day).resolve(fileName(day, seq, true));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    Drop done(String day) throws IOException {
        Path d = day(day).resolve("_DONE");
        if (!Files.exists(d)) {
            Files.createFile(d);
        }
        return this;
    }

    /** Rows {@code prefix}{from}..{from+n-1} in the standard column order, each line ending with a line break. */
    static String rows(String prefix, int from, int n, String day) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            b.append(row(prefix + i, day, i)).append('\n');
        }
        return b.toString();
    }

    static String row(String ref, String day, int i) {
        return ref + "," + day + "T" + String.format("%02d:%02d:00Z", i / 60 % 24, i % 60) + ",buyer" + i + "@example.com,SKU-"
                + (i % 97) + "," + (1 + i % 5) + "," + (i % 300) + ".99,EUR";
    }
}
