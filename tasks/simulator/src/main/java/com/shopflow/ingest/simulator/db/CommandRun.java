package com.shopflow.ingest.simulator.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Redaction;

/**
 * The common ending of the simulator's commands: the summary as one JSON line on stdout and exit 0, or one line on
 * stderr and the exit code of the failure's {@link ErrorCode}.
 */
public final class CommandRun {
    /** The body of a command; returns its summary. */
    public interface Body {
        ObjectNode run() throws Exception;
    }

    private CommandRun() {
    }

    public static int run(String command, Body body) {
        long t0 = System.nanoTime();
        try {
            ObjectNode summary = body.run();
            summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
            System.out.println(Redaction.scrub(summary.toString()));
            System.out.flush();
            return 0;
        } catch (Exception e) {
            IngestException ie = e instanceof IngestException x ? x
                    : e instanceof IllegalArgumentException ? new IngestException(ErrorCode.USAGE, e.getMessage())
                    : Failures.fromDatabase(command, ErrorCode.SOURCE_UNAVAILABLE, e);
            System.err.println("simulator " + command + " failed: " + Redaction.scrub(ie.getMessage()));
            return ie.code().exitCode();
        }
    }
}
