package com.shopflow.ingest.db;

/**
 * A source column as the catalog describes it.
 *
 * @param type     {@code format_type()} of the column
 * @param typeOid  the type's OID
 * @param builtin  true for PostgreSQL's own types, whose binary form is the same in every database; other
 *                 types (enums, domains, extension types) are landed as their text form
 */
public record SourceColumn(String name, String type, long typeOid, boolean builtin) {
    /** The type of the raw column. */
    public String rawType() {
        return builtin ? type : "text";
    }
}
