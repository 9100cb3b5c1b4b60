package com.shopflow.ingest.simulator.db;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder, to be replaced by the real subcommand. */
@Command(name = "db", description = "TODO")
public class DbCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
