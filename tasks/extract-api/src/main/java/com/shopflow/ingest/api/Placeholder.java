package com.shopflow.ingest.api;

import picocli.CommandLine.Command;

@Command(name = "extract-api")
public class Placeholder implements Runnable {
    @Override
    public void run() {
    }
}
