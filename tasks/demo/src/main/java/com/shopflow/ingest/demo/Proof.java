package com.shopflow.ingest.demo;

import com.shopflow.ingest.simulator.pg.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's proof step: {@code verify} of settled partitions against their sources (equal), of a partition tampered
 * with in the warehouse (the keys touched, exit 3, then equal again after a re-land), and the current-state tables
 * against the latest landed version of each key.
 */
final class Proof {
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]*)\",\"kind\":\"(\\w+)\"");
    /** Key and cursor of each current-state table the demo lands (marketplace_orders has no cursor). */
    static final Map<String, String[]> CURRENT = Map.of("customers", new String[] {"id", "updated_at"}, "orders", new String[] {"id", "updated_at"},
            "order_items", new String[] {"id", "updated_at"}, "products", new String[] {"id", "updated_at"},
            "marketplace_orders", new String[] {"order_ref", null});

    private final TaskLauncher launcher;
    private final LocalPostgres pg;
    private final Consumer<String> say;
    final List<String> mismatches = new ArrayList<>();
    int checked;

    Proof(TaskLauncher launcher, LocalPostgres pg, Consumer<String> say) {
        this.launcher = launcher;
        this.pg = pg;
        this.say = say;
    }

    void run(List<String> dbTables, Instant lastStart, Instant lastEnd, Instant filesStart, Instant filesEnd) throws Exception {
        for (String table : dbTables) {
            TaskLauncher.Outcome v = verify("extract-db", List.of("--table", table), lastStart, lastEnd);
            expect(v, 0, "verify raw." + table + " " + day(lastStart));
        }
        TaskLauncher.Outcome files = verify("land-files", List.of("--feed", "marketplace_orders"), filesStart, filesEnd);
        expect(files, 0, "verify raw.marketplace_orders " + day(filesStart) + " (re-read from the drop's files, the re-delivered one included)");

        long[] ids = new long[2];
        try (Connection wh = pg.connect("warehouse"); Statement s = wh.createStatement()) {
            String where = "_interval_start = '" + lastStart + "'";
            try (ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM raw.orders WHERE " + where)) {
                rs.next();
                ids[0] = rs.getLong(1);
                ids[1] = rs.getLong(2);
            }
            s.execute("DELETE FROM raw.orders WHERE " + where + " AND id = " + ids[0]);
            s.execute("UPDATE raw.orders SET status = 'tampered' WHERE " + where + " AND id = " + ids[1]);
        }
        say.accept(day(lastStart) + ": raw.orders tampered with in the warehouse: order " + ids[0] + " deleted, order " + ids[1] + " changed");
        TaskLauncher.Outcome tampered = verify("extract-db", List.of("--table", "orders"), lastStart, lastEnd);
        Map<String, String> keys = keys(tampered.summary());
        checked++;
        if (tampered.exitCode() != 3 || !keys.equals(Map.of(Long.toString(ids[0]), "missing", Long.toString(ids[1]), "different"))) {
            mismatches.add("verify of the tampered raw.orders: exit " + tampered.exitCode() + ", keys " + keys);
        }
        say.accept(day(lastStart) + ": verify raw.orders -> exit " + tampered.exitCode() + ", keys " + keys + " in "
                + tampered.field("round_trips") + " round trips");
        TaskLauncher.Outcome relanded = launcher.run("extract-db", Demo.argsOf(List.of("--table", "orders"), lastStart, lastEnd), Map.of());
        say.accept(day(lastStart) + ": re-land raw.orders -> exit " + relanded.exitCode());
        expect(verify("extract-db", List.of("--table", "orders"), lastStart, lastEnd), 0, "verify raw.orders " + day(lastStart) + " after the re-land");
        currentTables();
    }

    /** Each raw_current table equals the latest landed version of each key, computed here from all partitions. */
    private void currentTables() throws SQLException {
        try (Connection wh = pg.connect("warehouse"); Statement s = wh.createStatement()) {
            for (Map.Entry<String, String[]> t : new TreeMap<>(CURRENT).entrySet()) {
                String key = t.getValue()[0];
                String order = (t.getValue()[1] == null ? "" : t.getValue()[1] + " DESC, ") + "_interval_end DESC, _interval_start DESC";
                String sum = "count(*) || ':' || coalesce(md5(string_agg(x::text, '' ORDER BY x." + key + ")), 'empty')";
                String maintained = text(s, "SELECT " + sum + " FROM raw_current." + t.getKey() + " x");
                String latest = text(s, "SELECT " + sum + " FROM (SELECT DISTINCT ON (" + key + ") * FROM raw." + t.getKey() + " ORDER BY "
                        + key + ", " + order + ") x");
                checked++;
                if (!maintained.equals(latest)) {
                    mismatches.add("raw_current." + t.getKey() + ": " + maintained + ", latest landed " + latest);
                } else {
                    System.out.println("current raw_current." + t.getKey() + ": " + maintained.split(":")[0]
                            + " keys, equal to the latest landed version of each (kept in each publish transaction)");
                }
            }
        }
    }

    private TaskLauncher.Outcome verify(String module, List<String> what, Instant start, Instant end) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify"));
        args.addAll(Demo.argsOf(what, start, end));
        return launcher.run(module, args, Map.of());
    }

    private void expect(TaskLauncher.Outcome o, int exit, String label) {
        checked++;
        if (o.exitCode() != exit) {
            mismatches.add(label + ": exit " + o.exitCode() + " " + o.error() + " " + keys(o.summary()));
        }
        say.accept(String.format(java.util.Locale.ROOT, "%s -> exit %d, %d rows, %s", label, o.exitCode(), o.field("rows"),
                o.exitCode() == 0 ? "equal to the source (count and checksum on each side)" : "different: " + keys(o.summary())));
    }

    static Map<String, String> keys(String summary) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = KEY.matcher(summary);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static String day(Instant start) {
        return start.toString().substring(0, 10);
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
