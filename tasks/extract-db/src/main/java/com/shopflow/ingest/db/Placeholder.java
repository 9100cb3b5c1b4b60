package com.shopflow.ingest.db;

import picocli.CommandLine.Command;

@Command(name = "extract-db")
public class Placeholder implements Runnable {
    @Override
    public void run() {
    }
}
