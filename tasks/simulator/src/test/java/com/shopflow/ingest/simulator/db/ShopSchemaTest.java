package com.shopflow.ingest.simulator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema is CONTRACT 1.1 exactly, whether made empty by create or by a bulk fill. */
class ShopSchemaTest {
    static final List<String> EXPECTED_COLUMNS = List.of(
            "customers.id bigint NO", "customers.email text NO", "customers.full_name text YES", "customers.country text YES",
            "customers.created_at timestamp with time zone NO", "customers.updated_at timestamp with time zone NO",
            "order_items.id bigint NO", "order_items.order_id bigint NO", "order_items.product_id bigint NO",
            "order_items.quantity integer NO", "order_items.unit_price numeric(12,2) NO",
            "order_items.created_at timestamp with time zone NO", "order_items.updated_at timestamp with time zone NO",
            "orders.id bigint NO", "orders.customer_id bigint NO", "orders.status text NO", "orders.currency character(3) NO",
            "orders.total_amount numeric(12,2) NO", "orders.placed_at timestamp with time zone NO",
            "orders.created_at timestamp with time zone NO", "orders.updated_at timestamp with time zone NO");
    static final List<String> EXPECTED_INDEXES = List.of(
            "customers customers_pkey btree (id) primary", "customers customers_updated_at_idx btree (updated_at)",
            "order_items order_items_pkey btree (id) primary", "order_items order_items_updated_at_idx btree (updated_at)",
            "orders orders_pkey btree (id) primary", "orders orders_updated_at_idx btree (updated_at)");

    @Test
    void shouldCreateExactlyTheContractSchema() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_schema_create");
        try (Connection c = pg.connect("sim_schema_create")) {
            ShopDatabase.create(c);
            assertSchema(c);
            assertEquals(new Counts(0, 0, 0), ShopDatabase.counts(c));
        }
    }

    @Test
    void shouldLeaveTheSameSchemaAfterAFill() throws SQLException {
        PostgresServer pg = PostgresServer.shared();
        pg.createDatabase("sim_schema_fill");
        try (Connection c = pg.connect("sim_schema_fill")) {
            ShopDatabase.create(c);
            ShopDatabase.fill(c, new Scale(200, 1, LocalDate.of(2026, 11, 1), 2));
            assertSchema(c);
        }
    }

    static void assertSchema(Connection c) throws SQLException {
        assertEquals(EXPECTED_COLUMNS, rows(c, """
                SELECT table_name || '.' || column_name || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || is_nullable
                FROM information_schema.columns col
                JOIN pg_attribute a ON a.attrelid = ('public.' || table_name)::regclass AND a.attname = col.column_name
                WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""));
        assertEquals(EXPECTED_INDEXES, rows(c, """
                SELECT t.relname || ' ' || i.relname || ' ' || am.amname || ' ('
                       || pg_get_indexdef(x.indexrelid, 1, true) || ')' || CASE WHEN x.indisprimary THEN ' primary' ELSE '' END
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' ORDER BY t.relname, i.relname"""));
        assertEquals(List.of("customers p", "order_items p", "orders p"), rows(c, """
                SELECT conrelid::regclass::text || ' ' || contype::text FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1"""), "only primary keys");
        assertEquals(List.of("customers", "order_items", "orders"), rows(c, """
                SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind NOT IN ('i') ORDER BY 1"""),
                "no sequences, views or other relations");
        assertEquals(List.of(), rows(c, """
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND column_default IS NOT NULL"""), "no defaults");
    }

    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
