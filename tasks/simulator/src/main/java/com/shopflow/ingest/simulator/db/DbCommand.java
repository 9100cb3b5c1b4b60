package com.shopflow.ingest.simulator.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.simulator.pg.DbStartPostgresCommand;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code simulator db ... create|fill|play|truth}: the operational database. Prints one JSON line with the rows
 * written per table and the seconds taken.
 */
@Command(name = "db", mixinStandardHelpOptions = true, subcommands = DbStartPostgresCommand.class,
        description = {"The ShopFlow operational database (CONTRACT 1.1).",
            "create: the empty schema. fill: replace the tables with --orders orders over --days days from --first-day.",
            "play: one day of change traffic per day from --first-day. truth: count and checksum of --table in [--start, --end)."})
public class DbCommand implements Callable<Integer> {
    @Mixin
    DbLogin login;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "create, fill, play or truth")
    String action;

    @Option(names = "--orders", defaultValue = "10000", description = "orders to fill (customers: orders/5; ~3 items each)")
    long orders;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--first-day", defaultValue = "2026-11-01", description = "first UTC day (fill range start, or first day played)")
    LocalDate firstDay;

    @Option(names = "--days", defaultValue = "7", description = "number of days filled or played")
    int days;

    @Option(names = "--day-orders", defaultValue = "1000", description = "new orders per played day (other changes in proportion)")
    int dayOrders;

    @Option(names = "--discount-day", description = "the played day on which orders.discount appears")
    LocalDate discountDay;

    @Option(names = "--late-commit", defaultValue = "0",
            description = "per played day, N orders committed late with updated_at = that day 00:30 UTC")
    int lateCommit;

    @Option(names = "--late-hold-seconds", defaultValue = "0", description = "how long a late transaction stays open")
    int lateHoldSeconds;

    @Option(names = "--table", description = "truth: customers, orders or order_items")
    String table;

    @Option(names = "--start", description = "truth: interval start, ISO-8601 with offset")
    OffsetDateTime start;

    @Option(names = "--end", description = "truth: interval end (exclusive)")
    OffsetDateTime end;

    @Override
    public Integer call() {
        return CommandRun.run("db " + action, () -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("action", action);
            switch (action) {
                case "create" -> {
                    try (Connection c = login.connect()) {
                        ShopDatabase.create(c);
                    }
                    out.setAll(new Counts(0, 0, 0).toJson());
                }
                case "fill" -> {
                    try (Connection c = login.connect()) {
                        out.setAll(ShopDatabase.fill(c, new Scale(orders, seed, firstDay, days)).toJson());
                    }
                }
                case "play" -> out.setAll(play());
                case "truth" -> out.setAll(truth());
                case null, default -> throw new IngestException(ErrorCode.USAGE,
                        "unknown action '" + action + "': use create, fill, play, truth or start-postgres");
            }
            return out;
        });
    }

    private ObjectNode play() throws Exception {
        Counts total = new Counts(0, 0, 0);
        long late = 0;
        try (Connection c = login.connect(); Connection lateConnection = lateCommit > 0 ? login.connect() : null) {
            for (int i = 0; i < days; i++) {
                LocalDate day = firstDay.plusDays(i);
                DayTraffic traffic = DayTraffic.ofOrders(dayOrders).withDiscount(day.equals(discountDay));
                LateCommit held = null;
                if (lateConnection != null) {
                    if (traffic.addDiscount()) {
                        // The open late transaction would make the ALTER TABLE wait for it: alter first.
                        ShopDatabase.inTransaction(c, () -> ShopSchema.addDiscountColumn(c));
                    }
                    Instant past = day.atStartOfDay().toInstant(java.time.ZoneOffset.UTC).plus(Duration.ofMinutes(30));
                    held = LateCommit.begin(lateConnection, past, lateCommit, seed);
                }
                total = total.plus(ShopDatabase.playDay(c, day, seed, traffic));
                if (held != null) {
                    Thread.sleep(lateHoldSeconds * 1000L);
                    held.commit();
                    late += held.orderIds().size();
                }
            }
        }
        ObjectNode n = total.toJson();
        n.put("late_committed_orders", late);
        return n;
    }

    private ObjectNode truth() throws Exception {
        if (table == null || start == null || end == null || !ShopSchema.TABLES.contains(table)) {
            throw new IngestException(ErrorCode.USAGE, "truth needs --table (customers, orders, order_items), --start and --end");
        }
        try (Connection c = login.connect()) {
            TableTruth t = TableTruth.source(c, table, start.toInstant(), end.toInstant());
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("table", table);
            n.put("rows", t.count());
            n.put("checksum", t.checksum());
            n.put("columns", String.join(",", t.columns()));
            return n;
        }
    }
}
