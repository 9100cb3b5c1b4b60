package com.shopflow.ingest.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A products API that misbehaves as told, on a raw loopback socket so that it can stall, trickle or lie at any byte:
 * each request (numbered from 1) is answered by a {@link Behaviour} that writes whatever it likes to the socket.
 */
final class HostileApi implements AutoCloseable {
    /** A request as seen: its number, the cursor asked for (null on the first page), the raw target. */
    record Request(int number, String cursor, String target) {
    }

    interface Behaviour {
        void answer(Request r, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    HostileApi(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "hostile-api");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    List<Request> seen() {
        return seen;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread w = new Thread(() -> serve(s), "hostile-api-conn");
                w.setDaemon(true);
                w.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = line(in);
                if (line == null) {
                    return;
                }
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    // Headers are not needed.
                }
                String target = line.split(" ")[1];
                String cursor = null;
                int q = target.indexOf('?');
                if (q >= 0) {
                    for (String kv : target.substring(q + 1).split("&")) {
                        if (kv.startsWith("cursor=")) {
                            cursor = URLDecoder.decode(kv.substring(7), StandardCharsets.UTF_8);
                        }
                    }
                }
                Request r = new Request(requests.incrementAndGet(), cursor, target);
                seen.add(r);
                behaviour.answer(r, out);
                out.flush();
            }
        } catch (Exception e) {
            // The client went away, or the behaviour closed the connection.
        } finally {
            open.remove(s);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A complete answer with a Content-Length. */
    static void respond(OutputStream out, int status, String extraHeaders, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    static void respond(OutputStream out, String json) throws IOException {
        respond(out, 200, "", json.getBytes(StandardCharsets.UTF_8));
    }

    /** One item of the contract's shape; {@code extra} is spliced in as more fields. */
    static String item(long id, String updatedAt, String extra) {
        return "{\"id\":" + id + ",\"sku\":\"SKU-" + id + "\",\"name\":\"Product " + id + "\",\"updated_at\":\"" + updatedAt + "\""
                + (extra == null ? "" : "," + extra) + "}";
    }

    static String page(List<String> items, String next) {
        return "{\"data\":[" + String.join(",", items) + "],\"next_cursor\":" + (next == null ? "null" : "\"" + next + "\"") + "}";
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
