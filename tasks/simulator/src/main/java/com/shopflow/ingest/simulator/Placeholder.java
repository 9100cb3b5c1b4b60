package com.shopflow.ingest.simulator;

import picocli.CommandLine.Command;

@Command(name = "simulator")
public class Placeholder implements Runnable {
    @Override
    public void run() {
    }
}
