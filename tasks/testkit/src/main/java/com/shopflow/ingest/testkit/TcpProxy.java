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
 * has flowed from the server to the client.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
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

    /** Resets every open connection once {@code bytes} more bytes have gone from server to client. */
    public void cutAfterBytes(long bytes) {
        cutAt = downstreamBytes.get() + bytes;
    }

    /** New connections are refused (closed at once) while true. */
    public void refuse(boolean refuse) {
        this.refuse = refuse;
    }

    public void cutAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
        sockets.clear();
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
                sockets.add(client);
                sockets.add(upstream);
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
