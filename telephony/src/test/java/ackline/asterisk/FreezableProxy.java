package ackline.asterisk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of the PBX that can freeze: it stops forwarding in both directions without closing anything,
 * as a link does when a NAT entry expires or the peer hangs. Only a check that expects an answer (AMI Ping) notices.
 */
final class FreezableProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean frozen;

	FreezableProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "freezable-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return server.getLocalPort();
	}

	/** From now on nothing passes, and the connections stay open. */
	void freeze() {
		frozen = true;
	}

	/** New connections pass again; the frozen ones stay dead. */
	void thaw() {
		frozen = false;
	}

	private void accept() {
		while (!server.isClosed()) {
			try {
				Socket client = server.accept();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
				sockets.add(client);
				sockets.add(upstream);
				boolean[] dead = { false };
				relay(client, upstream, dead);
				relay(upstream, client, dead);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void relay(Socket from, Socket to, boolean[] dead) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (frozen) {
						dead[0] = true;
					}
					if (!dead[0]) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// one side closed
			}
		}, "freezable-proxy-relay");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		server.close();
		for (Socket socket : sockets) {
			socket.close();
		}
	}

}
