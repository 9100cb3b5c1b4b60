package com.shopflow.ingest.docker;

import java.nio.file.Path;

/** The repository's root folder: the Docker build context, and where the task modules are. */
public final class Repository {
    private Repository() {
    }

    /** From the {@code repo.root} property that the build sets, else the parent of the working directory (the module). */
    public static Path root() {
        String p = System.getProperty("repo.root");
        return (p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }
}
