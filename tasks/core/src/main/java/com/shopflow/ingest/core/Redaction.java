package com.shopflow.ingest.core;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of every message. Secrets are registered when they are read, so any text built
 * later (an exception from the driver quoting a URL, a log line) can be scrubbed of them.
 */
public final class Redaction {
    public static final String MASK = "****";
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();
    // password=..., token=..., Bearer xyz in free text (driver messages, URLs with parameters).
    private static final Pattern INLINE = Pattern.compile("(?i)(password|passwd|pwd|token|secret|sslpassword)=([^&\\s;,'\"]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redaction() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= 3) {
            SECRETS.add(secret);
        }
    }

    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : SECRETS) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        out = INLINE.matcher(out).replaceAll("$1=" + MASK);
        return BEARER.matcher(out).replaceAll("$1" + MASK);
    }
}
