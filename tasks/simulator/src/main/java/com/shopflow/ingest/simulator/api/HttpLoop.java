package com.shopflow.ingest.simulator.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP/1.1 server (GET, keep-alive, Content-Length answers) on a plain socket. The JDK's
 * {@code com.sun.net.httpserver} cannot cut a connection halfway through an answer, which is the one fault a
 * client must see as a broken transfer rather than a short but complete body; here an answer can be
 * reset after half its bytes.
 */
final class HttpLoop implements AutoCloseable {
    /** A request: path, decoded query parameters, headers by lower-case name. */
    record Request(String method, String path, Map<String, String> query, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer; {@code cutHalfway} resets the connection after half the body. */
    record Response(int status, Map<String, String> headers, byte[] body, boolean cutHalfway) {
        static Response json(int status, String body) {
            return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    interface Handler {
        Response handle(Request r);
    }

    private static final int MAX_LINE = 16 * 1024;
    private final ServerSocket server;
    private final Handler handler;
    private final ExecutorService workers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    HttpLoop(String bindAddress, int port, Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 128);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "products-api");
            t.setDaemon(true);
            return t;
        });
        Thread acceptor = new Thread(this::accept, "products-api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                workers.execute(() -> serve(s));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                Request r = read(in);
                if (r == null) {
                    return;
                }
                Response resp = handler.handle(r);
                boolean close = "close".equalsIgnoreCase(r.header("connection"));
                write(out, resp, close);
                if (resp.cutHalfway()) {
                    s.setSoLinger(true, 0); // RST, as a dropped link or a crashed proxy does
                    return;
                }
                if (close) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // Idle keep-alive connection.
        } catch (IOException | RuntimeException e) {
            // Client went away or sent garbage: drop the connection.
        } finally {
            open.remove(s);
        }
    }

    private static Request read(InputStream in) throws IOException {
        String line = line(in);
        while (line != null && line.isEmpty()) {
            line = line(in);
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length < 2) {
            throw new IOException("bad request line");
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int c = h.indexOf(':');
            if (c > 0) {
                headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
            }
        }
        String cl = headers.get("content-length");
        if (cl != null) {
            in.skipNBytes(Long.parseLong(cl.trim()));
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String kv : target.substring(q + 1).split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int e = kv.indexOf('=');
                String k = URLDecoder.decode(e < 0 ? kv : kv.substring(0, e), StandardCharsets.UTF_8);
                String v = e < 0 ? "" : URLDecoder.decode(kv.substring(e + 1), StandardCharsets.UTF_8);
                query.putIfAbsent(k, v);
            }
        }
        return new Request(parts[0], path, query, headers);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                if (b.size() >= MAX_LINE) {
                    throw new IOException("line too long");
                }
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, Response r, boolean close) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n")
                .append("Content-Type: application/json; charset=utf-8\r\n")
                .append("Content-Length: ").append(r.body().length).append("\r\n");
        r.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(r.body(), 0, r.cutHalfway() ? r.body().length / 2 : r.body().length);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing.
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing.
            }
        }
        workers.shutdownNow();
    }
}
