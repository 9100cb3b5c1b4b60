package com.shopflow.ingest.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.cli.ExitCodeHelp;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command's --help lists the exit codes as core's ErrorCode (and so dags/shopflow/exit_codes.json) says. */
class ExitCodeHelpTest {
    @Test
    void helpListsTheExitCodesOfErrorCode() {
        String usage = new CommandLine(new ExtractDbCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.contains("Exit codes:"), usage);
        ExitCodeHelp.lines().forEach((exit, line) -> {
            String first = line.length() > 40 ? line.substring(0, 40) : line;
            assertTrue(usage.matches("(?s).*\\n  " + exit + " +\\Q" + first + "\\E.*"), "exit " + exit + " in:\n" + usage);
        });
    }
}
