package com.shopflow.ingest.simulator.db;

/**
 * How much change one simulated day brings.
 *
 * @param newOrders       orders placed that day, with their items
 * @param statusUpdates   older orders moved to their next status (or cancelled); their updated_at moves into the day
 * @param newCustomers    customers signing up that day
 * @param editedCustomers older customers editing their name or country
 * @param editedItems     older order items whose quantity is corrected
 * @param addDiscount     this is the day {@code orders.discount numeric(12,2)} appears (ALTER TABLE first)
 */
public record DayTraffic(int newOrders, int statusUpdates, int newCustomers, int editedCustomers, int editedItems,
                         boolean addDiscount) {

    /** A day of roughly {@code orders} new orders, with proportionate other changes. */
    public static DayTraffic ofOrders(int orders) {
        return new DayTraffic(orders, orders / 2, Math.max(1, orders / 5), Math.max(1, orders / 5), Math.max(1, orders / 5), false);
    }

    public DayTraffic withDiscount(boolean add) {
        return new DayTraffic(newOrders, statusUpdates, newCustomers, editedCustomers, editedItems, add);
    }
}
