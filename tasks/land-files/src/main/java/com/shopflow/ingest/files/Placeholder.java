package com.shopflow.ingest.files;

import picocli.CommandLine.Command;

@Command(name = "land-files")
public class Placeholder implements Runnable {
    @Override
    public void run() {
    }
}
