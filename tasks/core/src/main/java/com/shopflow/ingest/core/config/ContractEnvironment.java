package com.shopflow.ingest.core.config;

import com.shopflow.ingest.core.Redaction;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigSourceInterceptorFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Expressions;
import io.smallrye.config.Priorities;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The contract's variables ({@code SOURCE_DB_*}, {@code WAREHOUSE_DB_*}, {@code PRODUCTS_API_*}, {@code FILE_DROP_DIR}
 * and their {@code *_FILE} forms), taken literally. Configuration values normally go through expression expansion,
 * so a password {@code Pw${HOME}x} would log in as {@code Pw/rootx}, and a token written {@code ${WAREHOUSE_DB_PASSWORD}}
 * would send the warehouse password to the API. This interceptor answers the keys these variables feed before any
 * expansion happens: the variable's value exactly as the environment holds it, else the key's own setting
 * ({@code INGEST_WAREHOUSE_PASSWORD}, {@code -Dingest.warehouse.password}) unexpanded. Secret values, and passwords
 * written into URLs, are registered with {@link Redaction} as they are read.
 */
public final class ContractEnvironment implements ConfigSourceInterceptor {
    /** Config key to contract variable. */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("ingest.source.url", "SOURCE_DB_URL"),
            Map.entry("ingest.source.user", "SOURCE_DB_USER"),
            Map.entry("ingest.source.password", "SOURCE_DB_PASSWORD"),
            Map.entry("ingest.source.password-file", "SOURCE_DB_PASSWORD_FILE"),
            Map.entry("ingest.source.sslmode", "SOURCE_DB_SSLMODE"),
            Map.entry("ingest.source.sslrootcert", "SOURCE_DB_SSLROOTCERT"),
            Map.entry("ingest.warehouse.url", "WAREHOUSE_DB_URL"),
            Map.entry("ingest.warehouse.user", "WAREHOUSE_DB_USER"),
            Map.entry("ingest.warehouse.password", "WAREHOUSE_DB_PASSWORD"),
            Map.entry("ingest.warehouse.password-file", "WAREHOUSE_DB_PASSWORD_FILE"),
            Map.entry("ingest.warehouse.sslmode", "WAREHOUSE_DB_SSLMODE"),
            Map.entry("ingest.warehouse.sslrootcert", "WAREHOUSE_DB_SSLROOTCERT"),
            Map.entry("ingest.api.url", "PRODUCTS_API_URL"),
            Map.entry("ingest.api.token", "PRODUCTS_API_TOKEN"),
            Map.entry("ingest.api.token-file", "PRODUCTS_API_TOKEN_FILE"),
            Map.entry("ingest.files.drop-dir", "FILE_DROP_DIR"));
    private static final Set<String> SECRETS = Set.of("ingest.source.password", "ingest.warehouse.password", "ingest.api.token");
    private static final String SOURCE_NAME = "contract environment (literal)";

    private final Function<String, String> env;

    ContractEnvironment(Function<String, String> env) {
        this.env = env;
    }

    /** Registered through META-INF/services; runs before SmallRye's expression expansion. */
    public static final class Factory implements ConfigSourceInterceptorFactory {
        @Override
        public ConfigSourceInterceptor getInterceptor(ConfigSourceInterceptorContext context) {
            return new ContractEnvironment(System::getenv);
        }

        @Override
        public OptionalInt getPriority() {
            // Interceptors with a higher priority run first; expansion is a library interceptor below this one.
            return OptionalInt.of(Priorities.LIBRARY + 1000);
        }
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        String variable = KEYS.get(name);
        if (variable == null) {
            return context.proceed(name);
        }
        String literal = env.apply(variable);
        ConfigValue value;
        if (literal != null && !literal.isEmpty()) {
            value = ConfigValue.builder().withName(name).withValue(literal).withRawValue(literal)
                    .withConfigSourceName(SOURCE_NAME + " " + variable).withConfigSourceOrdinal(300).build();
        } else {
            value = Expressions.withoutExpansion(() -> context.proceed(name));
            if (value != null && (value.getValue() == null || value.getValue().isEmpty())) {
                value = null;
            }
        }
        if (value != null) {
            if (SECRETS.contains(name)) {
                Redaction.register(value.getValue());
            } else if (name.endsWith(".url")) {
                Redaction.url(value.getValue());
            }
        }
        return value;
    }
}
