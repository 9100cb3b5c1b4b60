package com.shopflow.ingest.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.shopflow.ingest.testkit.AppProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each JVM image's ENTRYPOINT, run against the packaged jar, behaves as the CLI contract says. */
class JvmEntrypointIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Whether each task's --help lists its contract flag, probed once per test JVM (each run starts a JVM). */
    private static final Map<String, Boolean> IMPLEMENTED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The image under test, or a skip when its task is not packaged or not implemented yet. */
    static JvmEntrypoint implemented(Task task) throws Exception {
        JvmEntrypoint image = JvmEntrypoint.of(task);
        assumeTrue(image.packaged(), task.module() + " is not packaged: run ./mvnw package -pl tasks/" + task.module() + " first");
        Boolean known = IMPLEMENTED.get(task.module());
        if (known == null) {
            known = image.run(Map.of(), TIMEOUT, "--help").stdout().contains(task.selectorFlag());
            IMPLEMENTED.put(task.module(), known);
        }
        assumeTrue(known, task.module() + " does not implement its command line yet (its --help lists no " + task.selectorFlag() + ")");
        return image;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"extract-db", "extract-api", "land-files"})
    void shouldPrintTheContractFlagsAndExitZeroOnHelp(String module) throws Exception {
        Task task = Task.named(module);
        AppProcess.Result r = implemented(task).run(Map.of(), TIMEOUT, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        for (String flag : List.of(task.selectorFlag(), "--start", "--end")) {
            assertTrue(r.stdout().contains(flag), module + " --help does not mention " + flag + "\n" + r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"extract-db", "extract-api", "land-files"})
    void shouldExitTwoWithOneLineOnStderrOnAUsageError(String module) throws Exception {
        Task task = Task.named(module);
        AppProcess.Result r = implemented(task).run(Map.of(), TIMEOUT, task.selectorFlag(), "nope", "--start", "x", "--end", "y");
        assertEquals(2, r.exitCode(), r.toString());
        List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr, saying what is wrong\n" + r);
        assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception in thread"), "no stack trace\n" + r);
    }

    @Test
    void shouldMapTheImagePathsToThePackagedApp() {
        JvmEntrypoint image = JvmEntrypoint.of(Task.named("extract-db"));
        assumeTrue(image.packaged(), "extract-db is not packaged: run ./mvnw package -pl tasks/extract-db first");
        List<String> cmd = image.command(List.of("--table", "orders"));
        assertEquals(List.of("--table", "orders"), cmd.subList(cmd.size() - 2, cmd.size()), "arguments follow the ENTRYPOINT unchanged");
        String jar = cmd.get(cmd.size() - 3);
        assertTrue(jar.endsWith("/quarkus-run.jar") && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(jar)), cmd.toString());
        assertEquals("-jar", cmd.get(cmd.size() - 4), cmd.toString());
        assertFalse(cmd.stream().anyMatch(w -> w.startsWith("/deployments")), cmd.toString());
        assertEquals("C.UTF-8", image.imageEnv().get("LANG"), "the image's ENV applies to the run too");
    }
}
