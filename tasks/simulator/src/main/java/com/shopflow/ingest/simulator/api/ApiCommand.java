package com.shopflow.ingest.simulator.api;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder, to be replaced by the real subcommand. */
@Command(name = "api", description = "TODO")
public class ApiCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
