package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.ARGS;
import static com.shopflow.ingest.api.ApiHarness.FIRST_DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 2: the token is sent exactly as written, never expanded, from the environment and from its file. */
class LiteralTokenIT {
    static final String TOKEN = "Tok${HOME}$${USER}\\${PATH}${a:-b}end-canary-77e1";

    @Test
    void shouldSendTheTokenLiterallyAndNeverPrintIt() throws Exception {
        try (ProductsApiServer api = ProductsApiServer.start(ApiOptions.of(200, 5, FIRST_DAY, 3, TOKEN))) {
            String db = ApiHarness.database("api_literal_token");
            AppProcess app = ApiHarness.app(db, api).env("PRODUCTS_API_TOKEN", TOKEN);
            AppProcess.Result r = app.run(Duration.ofMinutes(1), ARGS);
            assertEquals(0, r.exitCode(), "the server accepts only the literal token: " + r);
            assertFalse(r.stdout().contains(TOKEN) || r.stderr().contains(TOKEN), "the token leaked");

            Path file = Files.createTempFile("token", "");
            Files.writeString(file, TOKEN + "\n");
            AppProcess.Result fromFile = app.env("PRODUCTS_API_TOKEN", "").env("PRODUCTS_API_TOKEN_FILE", file.toString())
                    .run(Duration.ofMinutes(1), ARGS);
            assertEquals(0, fromFile.exitCode(), fromFile.toString());
        }
    }
}
