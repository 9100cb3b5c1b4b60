package com.shopflow.ingest.core.pg;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.nio.charset.StandardCharsets;

/** Quoting of SQL identifiers and literals that come from configuration, source catalogs or file headers. */
public final class Identifiers {
    /** PostgreSQL's NAMEDATALEN - 1: longer names are silently truncated by the server, so they are refused here. */
    public static final int MAX_BYTES = 63;

    private Identifiers() {
    }

    /** {@code "name"} with embedded double quotes doubled; refuses names the server would truncate or cannot store. */
    public static String quote(String name) {
        validate(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IngestException(ErrorCode.DATA, "an empty name cannot be a column or table name");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IngestException(ErrorCode.DATA, "the name '" + printable(name) + "' contains a NUL character");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IngestException(ErrorCode.DATA, "the name '" + printable(name) + "' is longer than " + MAX_BYTES
                    + " bytes; PostgreSQL would truncate it");
        }
    }

    /** A string literal: single quotes doubled; standard_conforming_strings is on in every supported server. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** A name made safe to show in a one-line message. */
    public static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
