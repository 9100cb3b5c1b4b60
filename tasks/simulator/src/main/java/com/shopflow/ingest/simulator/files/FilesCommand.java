package com.shopflow.ingest.simulator.files;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder, to be replaced by the real subcommand. */
@Command(name = "files", description = "TODO")
public class FilesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
