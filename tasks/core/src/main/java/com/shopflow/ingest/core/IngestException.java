package com.shopflow.ingest.core;

/** The one failure type of the project: its {@link ErrorCode} owns the exit code and the retry decision. */
public class IngestException extends RuntimeException {
    private final ErrorCode code;

    public IngestException(ErrorCode code, String message) {
        super(Redaction.scrub(message));
        this.code = code;
    }

    public IngestException(ErrorCode code, String message, Throwable cause) {
        super(Redaction.scrub(message), cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return code.retryable();
    }

    /** Who tries again: the code's {@link ErrorCode.Retry}; a subtype may narrow it (e.g. a spent wait budget). */
    public ErrorCode.Retry retry() {
        return code.retry();
    }
}
