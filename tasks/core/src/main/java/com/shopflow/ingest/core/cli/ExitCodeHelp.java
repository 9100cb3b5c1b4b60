package com.shopflow.ingest.core.cli;

import com.shopflow.ingest.core.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The "Exit codes" section of a task's {@code --help}, built from {@link ErrorCode} so the help, the tasks and the
 * DAGs' {@code exit_codes.json} say the same thing. Add it to a command with {@code @Mixin ExitCodeHelp}.
 */
@Command
public final class ExitCodeHelp {
    public static final String HEADING = "Exit codes:%n";

    /** Picocli hands the mixing command's spec here while it builds the model. */
    @Spec(Spec.Target.MIXEE)
    void mixee(CommandSpec spec) {
        spec.usageMessage().exitCodeListHeading(HEADING).exitCodeList(lines());
    }

    /** Exit code -> one line: who retries it and which error codes end with it. */
    public static Map<String, String> lines() {
        Map<Integer, List<ErrorCode>> byExit = new TreeMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            byExit.computeIfAbsent(c.exitCode(), k -> new ArrayList<>()).add(c);
        }
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("0", "the partition is landed (or --dry-run reported; verify: it equals its source)");
        byExit.forEach((exit, codes) -> {
            List<String> parts = new ArrayList<>();
            for (ErrorCode.Retry r : ErrorCode.Retry.values()) {
                List<String> names = codes.stream().filter(c -> c.retry() == r).map(ErrorCode::name).toList();
                if (!names.isEmpty()) {
                    parts.add(describe(r) + ": " + String.join(", ", names));
                }
            }
            lines.put(Integer.toString(exit), (ErrorCode.failsFast(exit) ? "failed, fails fast; " : "failed; ") + String.join("; ", parts));
        });
        return lines;
    }

    private static String describe(ErrorCode.Retry r) {
        return switch (r) {
            case IN_RUN -> "retried in the run, then by the next attempt";
            case NEXT_ATTEMPT -> "retried by the next attempt";
            case NEVER -> "never retried";
        };
    }
}
