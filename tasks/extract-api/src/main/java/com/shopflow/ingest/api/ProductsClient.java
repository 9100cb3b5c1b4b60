package com.shopflow.ingest.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The catalog API of CONTRACT §1.2. Answers come back as a raw {@link Response} whatever their status, so
 * that 429, 401 and 5xx are classified here, and the body is parsed with Jackson's tree model by
 * {@link PageParser} (each item is kept exactly as received).
 */
@RegisterRestClient(configKey = "products")
@Path("/v1/products")
public interface ProductsClient {
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Response list(@HeaderParam("Authorization") String authorization,
                  @QueryParam("updated_since") String updatedSince,
                  @QueryParam("updated_before") String updatedBefore,
                  @QueryParam("limit") int limit,
                  @QueryParam("cursor") String cursor);
}
