package com.shopflow.ingest.simulator.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque pagination cursor: the position after the last item served, the query's bounds, the page
 * number and when it was issued, signed so that a client cannot forge or alter one.
 */
record Cursor(long updatedAtMicros, long id, long since, long before, int page, long issuedAtMillis) {

    /** Why a cursor was refused. */
    static final class Rejected extends Exception {
        final boolean expired;

        Rejected(String message, boolean expired) {
            super(message);
            this.expired = expired;
        }
    }

    ProductCatalog.Key key() {
        return new ProductCatalog.Key(updatedAtMicros, id);
    }

    String encode(byte[] secret) {
        String body = "v1:" + updatedAtMicros + ":" + id + ":" + since + ":" + before + ":" + page + ":" + issuedAtMillis;
        return Base64.getUrlEncoder().withoutPadding().encodeToString((body + ":" + sign(secret, body)).getBytes(StandardCharsets.US_ASCII));
    }

    static Cursor decode(String text, byte[] secret, long since, long before, long nowMillis, long lifetimeMillis) throws Rejected {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new Rejected("cursor is not valid", false);
        }
        int sig = raw.lastIndexOf(':');
        if (sig < 0 || !MessageDigest.isEqual(sign(secret, raw.substring(0, sig)).getBytes(StandardCharsets.US_ASCII),
                raw.substring(sig + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw new Rejected("cursor is not valid", false);
        }
        String[] f = raw.substring(0, sig).split(":");
        if (f.length != 7 || !f[0].equals("v1")) {
            throw new Rejected("cursor is not valid", false);
        }
        Cursor c = new Cursor(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Integer.parseInt(f[5]), Long.parseLong(f[6]));
        if (c.since != since || c.before != before) {
            throw new Rejected("cursor belongs to another query (updated_since/updated_before differ)", false);
        }
        if (nowMillis - c.issuedAtMillis > lifetimeMillis) {
            throw new Rejected("cursor expired; start the pagination again", true);
        }
        return c;
    }

    private static String sign(byte[] secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)), 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
