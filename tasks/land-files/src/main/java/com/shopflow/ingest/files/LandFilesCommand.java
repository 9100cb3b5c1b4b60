package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.cli.ExitCodeHelp;
import com.shopflow.ingest.core.cli.InspectCommand;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.Lineage;
import com.shopflow.ingest.core.cli.TaskRunner;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.landing.WarehouseSession;
import com.shopflow.ingest.core.config.IngestConfig;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code land-files --feed marketplace_orders --start S --end E}: the partner's drop into one raw partition. */
@TopCommand
@Command(name = "land-files", mixinStandardHelpOptions = true, subcommands = {InspectCommand.class, VerifyFiles.class, RebuildCurrent.class},
        description = "Lands the date folders of FILE_DROP_DIR/<feed> whose date is in [start, end) as one partition of raw.<feed>.",
        exitCodeListHeading = ExitCodeHelp.HEADING)
public class LandFilesCommand implements Callable<Integer> {
    /** The feeds this task knows; the name is also the folder and the raw table, so it is never taken unchecked. */
    static final String FEED = "marketplace_orders";

    @Mixin
    IntervalOptions interval;

    @Mixin
    ExitCodeHelp exitCodes;

    @Option(names = "--feed", paramLabel = "<feed>", description = "The feed to land: marketplace_orders")
    String feed;

    @Inject
    IngestConfig config;

    @Inject
    FilesConfig files;

    @Override
    public Integer call() {
        Lineage.Dataset input = new Lineage.Dataset("file://" + files.dropDir().orElse("FILE_DROP_DIR"), FEED);
        return TaskRunner.runRange(DropLanding.TASK, "raw." + FEED, input, interval, config.xcomFile(), partitions -> {
            if (feed == null) {
                throw new IngestException(ErrorCode.USAGE, "--feed is missing: this task lands --feed " + FEED);
            }
            if (!FEED.equals(feed)) {
                throw new IngestException(ErrorCode.USAGE, "unknown feed '" + com.shopflow.ingest.core.pg.Identifiers.printable(feed)
                        + "': this task lands --feed " + FEED);
            }
            if (!interval.everyGiven()) {
                return new DropLanding(feed, partitions.range(), interval, config, files).run();
            }
            // --every P1D lands each feed-day as a run of that day alone would (its own partition, file ledger and publish).
            try (WarehouseSession session = new WarehouseSession(DbSettings.warehouse(config), DropLanding.TASK)) {
                return partitions.land(DropLanding.TASK, "raw." + FEED, session, interval.runId(),
                        day -> new DropLanding(feed, day, interval, config, files).run());
            }
        });
    }
}
