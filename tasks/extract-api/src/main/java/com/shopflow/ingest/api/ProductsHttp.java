package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET requests to the catalog API with the JDK's HTTP client, every wait bounded: the connection by the connect
 * timeout, the answer by an idle timeout (no byte for {@code readTimeout}) and by a deadline for the whole request,
 * body included, and the body by a size cap. The body is kept as bytes: decoding is {@link PageParser}'s, which
 * never replaces a byte. (The Quarkus REST client's read timeout did not bound a body that stalls after the headers,
 * and its Vert.x layer logged a stack trace for it.)
 */
final class ProductsHttp {
    /** An answer: status, headers and the body exactly as received. */
    record Answer(int status, HttpHeaders headers, byte[] body) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient client;
    private final URI base;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration requestTimeout;
    private final long maxBytes;

    ProductsHttp(URI base, Duration connectTimeout, Duration readTimeout, Duration requestTimeout, long maxBytes) {
        this.base = base;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.requestTimeout = requestTimeout;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "products-api-client");
                    t.setDaemon(true);
                    return t;
                })).build();
    }

    /** The page request of CONTRACT §1.2. */
    URI pageUri(String since, String before, int limit, String cursor) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder q = new StringBuilder("updated_since=").append(enc(since)).append("&updated_before=").append(enc(before))
                .append("&limit=").append(limit);
        if (cursor != null) {
            q.append("&cursor=").append(enc(cursor));
        }
        String authority = base.getRawAuthority();
        return URI.create(base.getScheme() + "://" + authority + path + "/v1/products?" + q);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Sends one GET; a timeout or a broken transfer is SOURCE_UNAVAILABLE (retryable), an oversized body DATA. */
    Answer get(URI uri, String authorization, String what) {
        HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout)
                .header("Authorization", authorization).header("Accept", "application/json").build();
        BoundedBody body = new BoundedBody(maxBytes, what);
        long start = System.nanoTime();
        long deadline = start + requestTimeout.toNanos();
        // The first byte may take the connection set-up and then an idle period.
        body.lastByte = start + connectTimeout.toNanos();
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, info -> {
            body.touch();
            return body;
        });
        try {
            while (true) {
                long now = System.nanoTime();
                long idleEnd = body.lastByte + readTimeout.toNanos();
                if (now >= deadline || now >= idleEnd) {
                    f.cancel(true);
                    body.cancel();
                    throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, now >= deadline
                            ? "the products API did not complete the answer to " + what + " within " + requestTimeout.toSeconds()
                              + " s (INGEST_API_REQUEST_TIMEOUT_SECONDS); a retry may succeed"
                            : "the products API sent no byte for " + readTimeout.toSeconds() + " s while answering " + what
                              + " (INGEST_API_READ_TIMEOUT_SECONDS); a retry may succeed");
                }
                try {
                    HttpResponse<byte[]> r = f.get(Math.min(deadline, idleEnd) - now, TimeUnit.NANOSECONDS);
                    return new Answer(r.statusCode(), r.headers(), r.body());
                } catch (TimeoutException e) {
                    // Look at the clocks again: bytes may have arrived meanwhile.
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IngestException(ErrorCode.INTERNAL, "interrupted while waiting for the products API");
        } catch (ExecutionException | CancellationException e) {
            throw failure(e.getCause() == null ? e : e.getCause(), what);
        }
    }

    private IngestException failure(Throwable t, String what) {
        if (t instanceof IngestException ie) {
            return ie;
        }
        if (Failures.find(t, UnresolvedAddressException.class) != null || Failures.find(t, java.net.UnknownHostException.class) != null) {
            return new IngestException(ErrorCode.CONFIG, "the products API host is unknown: check PRODUCTS_API_URL", t);
        }
        IngestException classified = Failures.classify(Failures.Side.API, t);
        if (classified.code() != ErrorCode.SOURCE_UNAVAILABLE) {
            return classified; // TLS, an unknown host or a bug: the failure table's word, not a retry
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API did not accept a connection within "
                    + connectTimeout.toSeconds() + " s (" + what + "); a retry may succeed", t);
        }
        if (t instanceof HttpTimeoutException) {
            return new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API did not answer " + what + " within "
                    + requestTimeout.toSeconds() + " s (INGEST_API_REQUEST_TIMEOUT_SECONDS); a retry may succeed", t);
        }
        String detail = Failures.oneLine(t);
        if (t instanceof ConnectException) {
            detail = "connection refused";
        }
        return new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API connection failed on " + what + ": " + detail
                + "; a retry may succeed", t);
    }

    /** Collects the body, refusing more than {@code max} bytes; {@link #lastByte} feeds the idle timeout. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final String what;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        volatile long lastByte;

        BoundedBody(long max, String what) {
            this.max = max;
            this.what = what;
        }

        void touch() {
            lastByte = System.nanoTime();
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            result.completeExceptionally(new CancellationException("timed out"));
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            touch();
            for (ByteBuffer b : items) {
                if (bytes.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new IngestException(ErrorCode.DATA, "the products API answered " + what
                            + " with more than " + max + " bytes (INGEST_API_MAX_PAGE_BYTES); nothing was published"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t instanceof IOException ? t : new IOException(Failures.oneLine(t), t));
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
