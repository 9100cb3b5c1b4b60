package com.shopflow.ingest.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.landing.WarehouseSession;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.MDC;

/**
 * The partitions one run lands: its one interval, or with {@code --every} the consecutive pieces of {@code [start, end)},
 * landed by the task in order (or by several lanes at once, each taking the next), each with all the guarantees of a run
 * of its own (lock, ledger row, checkpoint, atomic publish). After a partition fails no further one is started; the ones
 * published stay published. With {@code --every} the
 * summary lists the partitions under {@code details.partitions}; without it the summary is the partition's own.
 */
public final class PartitionRange {
    /** Lands one partition; its summary is what a run of that interval alone would print. */
    public interface PartitionBody {
        RunSummary land(Interval interval) throws Exception;
    }

    /** One worker of a range: lands partitions, one at a time, on connections of its own, closed with it. */
    public interface Lane extends AutoCloseable {
        RunSummary land(Interval interval) throws Exception;

        @Override
        void close();
    }

    /** Makes the lanes of a range; {@code index} 0 is the first (it may reuse the connections the run opened already). */
    public interface Lanes {
        Lane open(int index) throws Exception;
    }

    private final Interval range;
    private final List<Interval> intervals;
    private final boolean listed;
    private final boolean dryRun;
    private final List<RunSummary> done = new ArrayList<>();
    private Interval current;

    PartitionRange(IntervalOptions options) {
        this.range = options.interval();
        this.intervals = options.partitions();
        this.listed = options.everyGiven();
        this.dryRun = options.dryRun();
    }

    public Interval range() {
        return range;
    }

    public List<Interval> intervals() {
        return intervals;
    }

    /**
     * Lands every partition in order and returns the run's summary. With {@code --every} and an orchestrator run id, the
     * partitions that a run of the same orchestrator run already published (a retry of a killed or failed range) are
     * skipped, listed as {@code skipped}; every other partition is landed, resuming from its checkpoint if it has one.
     *
     * @param session           the warehouse, to find what the same orchestrator run already published
     * @param orchestratorRunId {@code --run-id}, or null: then every partition is landed (again, identically)
     */
    public RunSummary land(String task, String target, WarehouseSession session, String orchestratorRunId, PartitionBody body)
            throws Exception {
        return land(task, target, session, orchestratorRunId, 1, index -> new Lane() {
            @Override
            public RunSummary land(Interval interval) throws Exception {
                return body.land(interval);
            }

            @Override
            public void close() {
            }
        });
    }

    /**
     * As {@link #land(String, String, WarehouseSession, String, PartitionBody)}, with up to {@code count} partitions landed
     * at once, each lane taking the next partition of the range when it is done with one. Each partition keeps all its
     * guarantees (they never depended on the order); after a failure no lane starts another partition, the ones under way
     * finish, and the run fails with the failure of the earliest partition that failed.
     */
    public RunSummary land(String task, String target, WarehouseSession session, String orchestratorRunId, int count, Lanes lanes)
            throws Exception {
        if (!listed) {
            try (Lane lane = lanes.open(0)) {
                return lane.land(range);
            }
        }
        Map<Interval, WarehouseSession.Landed> earlier;
        try {
            earlier = orchestratorRunId == null || dryRun ? Map.of() : session.publishedBy(target, orchestratorRunId, range);
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
        RunSummary[] results = new RunSummary[intervals.size()];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            WarehouseSession.Landed was = earlier.get(intervals.get(i));
            if (was == null) {
                todo.add(i);
            } else {
                results[i] = new RunSummary(task, target, intervals.get(i)).outcome(RunSummary.Outcome.SKIPPED).rows(was.rows())
                        .partition(was.partitionTable()).schemaVersion(was.schemaVersion()).attempt(was.attempt()).runId(was.runId());
            }
        }
        Failed failed = new Failed();
        AtomicInteger next = new AtomicInteger();
        int workers = todo.isEmpty() ? 0 : Math.max(1, Math.min(count, todo.size()));
        List<Thread> threads = new ArrayList<>();
        Map<String, Object> mdc = MDC.getMap();
        for (int w = 0; w < workers; w++) {
            int index = w;
            Runnable work = () -> {
                mdc.forEach(MDC::put);
                try (Lane lane = lanes.open(index)) {
                    while (!failed.any()) {
                        int k = next.getAndIncrement();
                        if (k >= todo.size()) {
                            break;
                        }
                        int i = todo.get(k);
                        MDC.put("interval", intervals.get(i).toString());
                        try {
                            RunSummary s = lane.land(intervals.get(i));
                            if (s.outcome() == null) {
                                s.outcome(dryRun ? RunSummary.Outcome.DRY_RUN : RunSummary.Outcome.LANDED);
                            }
                            results[i] = s;
                        } catch (Throwable t) {
                            failed.at(i, t);
                        }
                    }
                } catch (Throwable t) {
                    failed.at(todo.get(Math.min(next.get(), todo.size() - 1)), t);
                }
            };
            if (workers == 1) {
                work.run();
            } else {
                Thread t = new Thread(work, "range-lane-" + w);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        for (RunSummary s : results) {
            if (s != null) {
                done.add(s);
            }
        }
        if (failed.any()) {
            current = intervals.get(failed.index);
            MDC.put("interval", range.toString());
            if (failed.error instanceof Exception e) {
                throw e;
            }
            throw (Error) failed.error;
        }
        current = null;
        MDC.put("interval", range.toString());
        RunSummary all = new RunSummary(task, target, range);
        long rows = 0;
        int schema = 0;
        Map<String, Long> timings = new TreeMap<>();
        for (RunSummary s : done) {
            rows += s.node().path("rows").asLong(0);
            schema = Math.max(schema, s.node().path("schema_version").asInt(0));
            s.node().path("timings").fields().forEachRemaining(e -> timings.merge(e.getKey().replaceFirst("_ms$", ""), e.getValue().asLong(), Long::sum));
        }
        all.rows(rows);
        if (schema > 0) {
            all.schemaVersion(schema);
        }
        timings.forEach(all::phase);
        addSums(all);
        addList(all, null);
        return all;
    }

    /** The earliest partition of the range that failed, and why. */
    private static final class Failed {
        int index = Integer.MAX_VALUE;
        Throwable error;

        synchronized void at(int i, Throwable t) {
            if (i < index) {
                index = i;
                error = t;
            }
        }

        synchronized boolean any() {
            return error != null;
        }
    }

    /** A failed range: the partitions landed and the one that failed. */
    void addTo(RunSummary failed) {
        if (!listed || range == null) {
            return;
        }
        addList(failed, current);
    }

    /** Numeric task details (rows read, duplicates removed...) summed over the partitions. */
    private void addSums(RunSummary all) {
        Map<String, Long> sums = new TreeMap<>();
        for (RunSummary s : done) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.node().path("details").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isIntegralNumber()) {
                    sums.merge(e.getKey(), e.getValue().asLong(), Long::sum);
                }
            }
        }
        sums.forEach(all::put);
    }

    private void addList(RunSummary into, Interval failedAt) {
        Map<String, Long> outcomes = new TreeMap<>();
        ArrayNode list = into.details().putArray("partitions");
        for (RunSummary s : done) {
            ObjectNode p = list.addObject();
            for (String field : List.of("interval", "outcome", "rows", "partition", "schema_version", "attempt", "run_id")) {
                p.set(field, s.node().get(field));
            }
            outcomes.merge(s.node().path("outcome").asText(), 1L, Long::sum);
        }
        if (failedAt != null) {
            ObjectNode p = list.addObject();
            ObjectNode i = p.putObject("interval");
            i.put("start", failedAt.start().toString());
            i.put("end", failedAt.end().toString());
            p.put("outcome", RunSummary.Outcome.FAILED.json());
            outcomes.merge(RunSummary.Outcome.FAILED.json(), 1L, Long::sum);
        }
        ObjectNode counts = into.details().putObject("partition_outcomes");
        outcomes.forEach(counts::put);
        into.details().put("partitions_planned", intervals.size());
    }
}
