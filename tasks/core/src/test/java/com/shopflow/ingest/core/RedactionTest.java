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

    @Test
    void urlsLoseTheirCredentialsAndRegisterThem() {
        assertEquals("jdbc:postgresql://app:****@db:5432/shop", Redaction.url("jdbc:postgresql://app:Url-pw-1@db:5432/shop"));
        assertEquals("https://****@api.example/v1", Redaction.url("https://tok-in-user-2@api.example/v1"));
        assertEquals("jdbc:postgresql://h/db?user=a&sslpassword=****&ApplicationName=x&PASSWORD=****",
                Redaction.url("jdbc:postgresql://h/db?user=a&sslpassword=ssl-pw-3&ApplicationName=x&PASSWORD=p%41ss-4"));
        // Registered: any later text quoting them is scrubbed, also in decoded form.
        String s = Redaction.scrub("Url-pw-1 tok-in-user-2 ssl-pw-3 pAss-4 seen at postgres://u:other-pw@h");
        assertEquals("**** **** **** **** seen at postgres://u:****@h", s);
    }
}
