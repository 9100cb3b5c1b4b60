package com.shopflow.ingest.docker;

import com.shopflow.ingest.docker.Dockerfile.Instruction;
import com.shopflow.ingest.docker.Dockerfile.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every task image follows, as a list of violations (empty when the Dockerfile is fine) so that a test
 * can show all of them at once, and so that the rules themselves can be tested on a bad Dockerfile.
 */
public final class Conventions {
    /** Keys that name a secret, or a contract variable that must come from the pod, never from the image. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|CREDENTIAL|PRIVATE_?KEY).*|(SOURCE_DB|WAREHOUSE_DB|PRODUCTS_API)_.*|FILE_DROP_DIR");
    private static final Pattern ENV_KEY = Pattern.compile("(?:^|\\s)([A-Za-z_][A-Za-z0-9_.-]*)=");
    private static final List<String> IGNORED = List.of("**/target", ".git", "**/.env", ".mvn/jvm.config");

    private Conventions() {
    }

    /** Rules for any image of ours, whatever it runs. */
    public static List<String> general(Dockerfile d) {
        List<String> v = new ArrayList<>();
        d.directives().stream().filter(x -> x.startsWith("syntax=")).forEach(x -> v.add("# " + x
                + ": makes BuildKit pull a frontend image first (fails without a registry); the builtin frontend suffices"));
        for (int i = 0; i < d.stages().size(); i++) {
            Stage s = d.stages().get(i);
            if (!d.isStageAlias(s.image(), i) && !ImageReference.parse(s.image()).pinned()) {
                v.add("FROM " + s.image() + " is not pinned to a tag other than latest, or to a digest");
            }
            for (Instruction in : s.instructions()) {
                if (in.keyword().equals("ADD")) {
                    v.add("ADD " + in.arguments() + ": use COPY (ADD fetches URLs and unpacks archives implicitly)");
                }
                if (List.of("ENV", "ARG", "LABEL").contains(in.keyword())) {
                    for (String key : keys(in)) {
                        if (SECRET_KEY.matcher(key).matches()) {
                            v.add(in.keyword() + " " + key + ": secrets and connection settings come from the pod, never the image");
                        }
                    }
                }
            }
        }
        Stage last = d.finalStage();
        Optional<Instruction> user = last.last("USER");
        if (user.isEmpty()) {
            v.add("the final stage sets no USER: the image would run as the base image's user");
        } else {
            String name = user.get().arguments().split(":")[0].strip();
            if (name.equals("root") || name.equals("0") || name.isEmpty()) {
                v.add("the final stage runs as root (USER " + user.get().arguments() + ")");
            }
        }
        List<Instruction> entrypoints = last.all("ENTRYPOINT");
        if (entrypoints.size() != 1) {
            v.add("the final stage needs exactly one ENTRYPOINT, found " + entrypoints.size());
        } else if (ExecForm.parse(entrypoints.get(0).arguments()).isEmpty()) {
            v.add("ENTRYPOINT " + entrypoints.get(0).arguments()
                    + " is in shell form: arguments would not reach the application, nor signals");
        }
        if (!last.all("CMD").isEmpty()) {
            v.add("CMD in the final stage: `docker run IMAGE ARGS` and the pod's arguments must be the CLI's arguments alone");
        }
        if (!last.all("EXPOSE").isEmpty() || !last.all("HEALTHCHECK").isEmpty()) {
            v.add("EXPOSE/HEALTHCHECK in the final stage: a command-line task serves no port and has no health to probe");
        }
        Optional<Instruction> workdir = last.last("WORKDIR");
        if (workdir.isEmpty() || !workdir.get().arguments().startsWith("/")) {
            v.add("the final stage needs an absolute WORKDIR (Quarkus reads .env and config/ from the working directory)");
        }
        for (Instruction copy : last.all("COPY")) {
            String[] words = Dockerfile.withoutFlags(copy.arguments());
            String target = words[words.length - 1];
            if (target.contains(".env") || target.matches("(.*/)?config/?.*")) {
                v.add("COPY " + copy.arguments() + ": a .env or config/ in the image would override the pod's environment");
            }
        }
        return v;
    }

    /** Rules tying the image to its task: right module, right artifact, the CLI as entrypoint. */
    public static List<String> forTask(Dockerfile d, Task task, Task.Flavor flavor) {
        List<String> v = new ArrayList<>();
        String module = "tasks/" + task.module();
        if (!Files.exists(Repository.root().resolve(module).resolve("pom.xml"))) {
            v.add("no Maven module " + module + " in the repository");
        }
        List<Instruction> builds = d.stages().subList(0, d.stages().size() - 1).stream()
                .flatMap(s -> s.all("RUN").stream()).filter(r -> r.arguments().contains("mvnw")).toList();
        boolean native_ = flavor == Task.Flavor.NATIVE;
        if (builds.size() != 1 || !builds.get(0).arguments().contains("-pl " + module + " -am")
                || builds.get(0).arguments().contains("-Dnative") != native_) {
            v.add("the build stage must run the Maven wrapper once for `-pl " + module + " -am`"
                    + (native_ ? " with -Dnative" : " without -Dnative"));
        }
        List<String> entrypoint = d.finalStage().last("ENTRYPOINT").flatMap(e -> ExecForm.parse(e.arguments())).orElse(List.of());
        List<String> copies = d.finalStage().all("COPY").stream().map(Instruction::arguments).toList();
        if (native_) {
            if (!entrypoint.equals(List.of("./application"))) {
                v.add("the native ENTRYPOINT must be [\"./application\"] with no arguments, found " + entrypoint);
            }
            if (!d.finalStage().last("WORKDIR").map(w -> w.arguments().equals("/work")).orElse(false)
                    || copies.stream().noneMatch(c -> c.contains(module + "/target/*-runner") && c.endsWith(" /work/application"))) {
                v.add("the native image must hold " + module + "'s runner as /work/application, its WORKDIR");
            }
        } else {
            if (entrypoint.size() < 3 || !entrypoint.get(0).equals("java")
                    || !entrypoint.subList(entrypoint.size() - 2, entrypoint.size()).equals(List.of("-jar", "/deployments/quarkus-run.jar"))) {
                v.add("the JVM ENTRYPOINT must be [\"java\", <JVM options>, \"-jar\", \"/deployments/quarkus-run.jar\"], found " + entrypoint);
            }
            if (entrypoint.stream().anyMatch(w -> !w.startsWith("-") && !w.equals("java") && !w.startsWith("/deployments/"))) {
                v.add("the JVM ENTRYPOINT passes application arguments: " + entrypoint);
            }
            if (copies.isEmpty() || copies.stream().anyMatch(c -> !c.contains(module + "/target/quarkus-app/"))) {
                v.add("the JVM image must copy only " + module + "/target/quarkus-app");
            }
        }
        return v;
    }

    /** The per-Dockerfile ignore file BuildKit reads (`<Dockerfile>.dockerignore`) keeps builds and secrets out of the context. */
    public static List<String> ignoreFile(Path dockerfile) {
        Path ignore = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        if (!Files.exists(ignore)) {
            return List.of("no " + ignore.getFileName() + " next to the Dockerfile");
        }
        try {
            List<String> lines = Files.readAllLines(ignore).stream().map(String::strip).toList();
            return IGNORED.stream().filter(p -> !lines.contains(p)).map(p -> ignore.getFileName() + " does not exclude " + p).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> keys(Instruction in) {
        List<String> keys = new ArrayList<>();
        Matcher m = ENV_KEY.matcher(in.arguments());
        while (m.find()) {
            keys.add(m.group(1));
        }
        if (keys.isEmpty() && !in.arguments().isBlank()) {
            keys.add(in.arguments().split("\\s+")[0]); // legacy `ENV KEY value` and `ARG NAME`
        }
        return keys;
    }
}
