package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.pg.Identifiers;

/** A column of a raw table: its name and its SQL type as {@code format_type()} prints it. */
public record Column(String name, String type) {
    public String quoted() {
        return Identifiers.quote(name);
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
