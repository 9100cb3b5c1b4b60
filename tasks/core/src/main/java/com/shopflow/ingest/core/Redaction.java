package com.shopflow.ingest.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
    // user:password@ inside a URL quoted in free text.
    private static final Pattern USERINFO = Pattern.compile("(://[^/\\s:@]*:)[^/\\s@]+@");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redaction() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= 3) {
            SECRETS.add(secret);
        }
    }

    /**
     * A URL safe to print: the password of its userinfo ({@code user:SECRET@host}) and the value of every query
     * parameter whose name says it is a credential ({@code password}, {@code sslpassword}, {@code token}, ...) are
     * masked, and those values are registered as secrets, so a driver message quoting the URL is scrubbed too.
     * Every task prints URLs through this one method (messages, the summary, lineage namespaces).
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        String rest = url;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            out.append(rest, 0, scheme + 3);
            rest = rest.substring(scheme + 3);
            int end = 0;
            while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
                end++;
            }
            String authority = rest.substring(0, end);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = authority.substring(0, at);
                int colon = userinfo.indexOf(':');
                if (colon >= 0) {
                    registerEncoded(userinfo.substring(colon + 1));
                    out.append(userinfo, 0, colon).append(':').append(MASK);
                } else {
                    // "SECRET@host" (a token as user name) is as much a credential as "user:SECRET@host".
                    registerEncoded(userinfo);
                    out.append(MASK);
                }
                out.append(authority.substring(at));
            } else {
                out.append(authority);
            }
            rest = rest.substring(end);
        }
        int q = rest.indexOf('?');
        if (q < 0) {
            return out.append(rest).toString();
        }
        out.append(rest, 0, q + 1);
        String query = rest.substring(q + 1);
        String fragment = "";
        int hash = query.indexOf('#');
        if (hash >= 0) {
            fragment = query.substring(hash);
            query = query.substring(0, hash);
        }
        String[] params = query.split("&", -1);
        for (int i = 0; i < params.length; i++) {
            String p = params[i];
            int eq = p.indexOf('=');
            if (i > 0) {
                out.append('&');
            }
            if (eq >= 0 && sensitiveParameter(decode(p.substring(0, eq)))) {
                registerEncoded(p.substring(eq + 1));
                out.append(p, 0, eq + 1).append(MASK);
            } else {
                out.append(p);
            }
        }
        return out.append(fragment).toString();
    }

    /** Parameter names that carry credentials (pgjdbc's password and sslpassword, API tokens and keys). */
    static boolean sensitiveParameter(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("pass") || n.contains("pwd") || n.contains("token") || n.contains("secret") || n.contains("key")
                || n.contains("auth") || n.contains("credential") || n.contains("factoryarg") || n.equals("sig") || n.equals("signature");
    }

    private static void registerEncoded(String value) {
        register(value);
        register(decode(value));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // bad percent-encoding: the raw text is what may be echoed
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
        out = USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
        return BEARER.matcher(out).replaceAll("$1" + MASK);
    }
}
