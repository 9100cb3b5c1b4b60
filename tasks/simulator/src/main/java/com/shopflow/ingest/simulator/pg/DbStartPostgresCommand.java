package com.shopflow.ingest.simulator.pg;

import picocli.CommandLine.Command;

/**
 * {@link PostgresCommand} reachable as {@code simulator db start-postgres}, under a name no one passes as a user
 * or database name (a subcommand named {@code postgres} would swallow {@code --user postgres}).
 */
@Command(name = "start-postgres", mixinStandardHelpOptions = true,
        description = "Runs an embedded PostgreSQL with databases shop and warehouse until SIGTERM/SIGINT (same as `simulator postgres`).")
public class DbStartPostgresCommand extends PostgresCommand {
}
