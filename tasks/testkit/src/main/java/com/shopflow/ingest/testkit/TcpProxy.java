package com.shopflow.ingest.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder that a test can cut: {@link #cutAll()} resets every open connection mid-stream,
 * as a dropped network or a restarted server does; {@link #cutAfterBytes} does it once a number of bytes
 * has flowed from the server to the client. {@link #liveCuts()} counts the connections that were still open
 * when cut, so a test can assert that its planned cut really hit a connection in use.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket[]> links = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong liveCuts = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private volatile long cutAt = Long.MAX_VALUE;
    private volatile boolean refuse;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "tcp-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public long downstreamBytes() {
        return downstreamBytes.get();
    }

    /** Connections accepted (and forwarded) so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections that were open (neither side had closed them) when a cut reset them. */
    public long liveCuts() {
        return liveCuts.get();
    }

    /** Connections open now. */
    public long open() {
        return links.stream().filter(l -> !l[0].isClosed() && !l[1].isClosed()).count();
    }

    /** Resets every open connection once {@code bytes} more bytes have gone from server to client. */
    public void cutAfterBytes(long bytes) {
        cutAt = downstreamBytes.get() + bytes;
    }

    /** New connections are refused (closed at once) while true. */
    public void refuse(boolean refuse) {
        this.refuse = refuse;
    }

    /** Resets every open connection; returns how many were open. */
    public synchronized long cutAll() {
        long live = 0;
        for (Socket[] link : links) {
            if (!link[0].isClosed() && !link[1].isClosed()) {
                live++;
            }
            for (Socket s : link) {
                try {
                    s.setSoLinger(true, 0);
                    s.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }
        links.clear();
        liveCuts.addAndGet(live);
        return live;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refuse) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                links.add(new Socket[] {client, upstream});
                accepted.incrementAndGet();
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean downstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (downstream && downstreamBytes.addAndGet(n) >= cutAt) {
                        cutAt = Long.MAX_VALUE;
                        cutAll();
                        return;
                    }
                }
            } catch (IOException ignored) {
                // Cut or closed.
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // Closing.
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
