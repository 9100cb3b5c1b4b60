package com.shopflow.ingest.docker;

/** The operational database's tables as CONTRACT §1.1 gives them: primary keys and an index on updated_at. */
final class SourceSchema {
    static final String DDL = """
            CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, full_name text, country text,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
            CREATE INDEX ON customers (updated_at);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, currency char(3) NOT NULL,
                total_amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL);
            CREATE INDEX ON orders (updated_at);
            CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, product_id bigint NOT NULL,
                quantity integer NOT NULL, unit_price numeric(12,2) NOT NULL, created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL);
            CREATE INDEX ON order_items (updated_at);
            """;

    private SourceSchema() {
    }
}
