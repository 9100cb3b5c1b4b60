package com.shopflow.ingest.simulator.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Rows written per table by one operation (a fill, a day of traffic). */
public record Counts(long customers, long orders, long orderItems) {
    public Counts plus(Counts o) {
        return new Counts(customers + o.customers, orders + o.orders, orderItems + o.orderItems);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("customers", customers);
        n.put("orders", orders);
        n.put("order_items", orderItems);
        return n;
    }
}
