package com.shopflow.ingest.simulator.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The operational schema of CONTRACT section 1.1, exactly: three tables in {@code public}, each with its primary
 * key and a b-tree index on {@code updated_at}, nothing else (no foreign keys, no defaults, no sequences).
 */
public final class ShopSchema {
    /** The tables in load order. */
    public static final List<String> TABLES = List.of("customers", "orders", "order_items");

    static final String CUSTOMERS = """
            CREATE TABLE public.customers (
              id bigint NOT NULL,
              email text NOT NULL,
              full_name text,
              country text,
              created_at timestamptz NOT NULL,
              updated_at timestamptz NOT NULL)""";
    static final String ORDERS = """
            CREATE TABLE public.orders (
              id bigint NOT NULL,
              customer_id bigint NOT NULL,
              status text NOT NULL,
              currency char(3) NOT NULL,
              total_amount numeric(12,2) NOT NULL,
              placed_at timestamptz NOT NULL,
              created_at timestamptz NOT NULL,
              updated_at timestamptz NOT NULL)""";
    static final String ORDER_ITEMS = """
            CREATE TABLE public.order_items (
              id bigint NOT NULL,
              order_id bigint NOT NULL,
              product_id bigint NOT NULL,
              quantity integer NOT NULL,
              unit_price numeric(12,2) NOT NULL,
              created_at timestamptz NOT NULL,
              updated_at timestamptz NOT NULL)""";

    private ShopSchema() {
    }

    /** Creates the three tables with their keys and indexes, replacing any previous ones. */
    public static void create(Connection c) throws SQLException {
        createTables(c);
        addKeysAndIndexes(c);
    }

    /** Drops and creates the bare tables; a bulk load adds the keys afterwards, which is several times faster. */
    static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS public.order_items, public.orders, public.customers");
            s.execute(CUSTOMERS);
            s.execute(ORDERS);
            s.execute(ORDER_ITEMS);
        }
    }

    static void addKeysAndIndexes(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String t : TABLES) {
                s.execute("ALTER TABLE public." + t + " ADD CONSTRAINT " + t + "_pkey PRIMARY KEY (id)");
                s.execute("CREATE INDEX " + t + "_updated_at_idx ON public." + t + " USING btree (updated_at)");
            }
        }
    }

    /** Adds the drifting column {@code orders.discount numeric(12,2)} (nullable); true when it was not there yet. */
    public static boolean addDiscountColumn(Connection c) throws SQLException {
        if (hasDiscountColumn(c)) {
            return false;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE public.orders ADD COLUMN discount numeric(12,2)");
        }
        return true;
    }

    public static boolean hasDiscountColumn(Connection c) throws SQLException {
        return TableTruth.columns(c, "orders").contains("discount");
    }
}
