package com.shopflow.ingest.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one Jackson mapper of a process (summaries, checkpoint positions, lineage events). A run asks for it to be made
 * on a daemon thread as it starts ({@link #prepare}), while its main thread waits for connections: on a cold JVM
 * loading Jackson's classes takes tens of milliseconds, a visible share of a small run. Only the thread that makes it
 * initializes those classes; every user waits for it ({@link #mapper}), so no two threads race through their static
 * initializers.
 */
public final class Json {
    private static final CompletableFuture<ObjectMapper> MAPPER = new CompletableFuture<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private Json() {
    }

    /** Starts making the mapper in the background; the first call wins, later ones do nothing. */
    public static void prepare() {
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(Json::make, "json-preload");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The mapper, made here when nobody prepared it. Thread-safe to use once made. */
    public static ObjectMapper mapper() {
        if (STARTED.compareAndSet(false, true)) {
            make();
        }
        return MAPPER.join();
    }

    private static void make() {
        try {
            ObjectMapper m = new ObjectMapper();
            // One trip through the tree model, as the summary and the positions use it, loads the rest of what they need.
            m.readTree(m.createObjectNode().put("s", "x").put("n", 1L).put("d", 1.5).put("b", true).putNull("z").toString());
            MAPPER.complete(m);
        } catch (Throwable e) {
            MAPPER.completeExceptionally(e);
        }
    }
}
