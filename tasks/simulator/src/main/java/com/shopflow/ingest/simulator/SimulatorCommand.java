package com.shopflow.ingest.simulator;

import com.shopflow.ingest.simulator.api.ApiCommand;
import com.shopflow.ingest.simulator.db.DbCommand;
import com.shopflow.ingest.simulator.files.FilesCommand;
import com.shopflow.ingest.simulator.pg.PostgresCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The ShopFlow stand-in: the operational database, the products API and the partner's file drop, faults included. */
@TopCommand
@Command(name = "simulator", mixinStandardHelpOptions = true,
        subcommands = {DbCommand.class, ApiCommand.class, FilesCommand.class, PostgresCommand.class},
        description = "Plays ShopFlow's source systems for the demo, the tests and the benchmarks.")
public class SimulatorCommand {
}
