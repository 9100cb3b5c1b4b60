package com.shopflow.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void registeredSecretsAndInlineCredentialsAreMasked() {
        Redaction.register("hunter2-very-secret");
        String s = Redaction.scrub("login failed for hunter2-very-secret at jdbc:postgresql://h/db?user=a&password=xyz123 "
                + "with Authorization: Bearer abc.def-ghi token=t0k3n");
        assertFalse(s.contains("hunter2-very-secret"), s);
        assertFalse(s.contains("xyz123"), s);
        assertFalse(s.contains("abc.def-ghi"), s);
        assertFalse(s.contains("t0k3n"), s);
    }

    @Test
    void exceptionsScrubTheirMessages() {
        Redaction.register("canary-in-message");
        assertEquals("bad ****", new IngestException(ErrorCode.CONFIG, "bad canary-in-message").getMessage());
    }
}
