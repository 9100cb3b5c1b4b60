package com.shopflow.ingest.core.verify;

import picocli.CommandLine.Option;

/** The options every {@code verify} shares besides the interval. */
public class VerifyOptions {
    @Option(names = "--rows", description = "Also show the rows of the keys that differ, as each side holds them (canonical text)")
    boolean rows;

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100",
            description = "Most keys to list when the partition differs (default ${DEFAULT-VALUE}); the ranges beyond are reported unexplored")
    int limit;

    public boolean rows() {
        return rows;
    }

    public int limit() {
        return limit;
    }
}
