package ackline.pbx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager interface's TCP listener: accepts any number of clients, each in its own {@link AmiSession}, and
 * hands every event to each logged-in session that wants events (two app nodes both follow every call).
 */
final class AmiServer {

	private static final Logger log = LoggerFactory.getLogger(AmiServer.class);

	private final ServerSocket serverSocket;

	private final BiConsumer<AmiSession, AmiMessage> actions;

	private final Set<AmiSession> sessions = ConcurrentHashMap.newKeySet();

	private final AtomicInteger sessionIds = new AtomicInteger();

	private final Thread acceptor;

	private final Object broadcastLock = new Object();

	private volatile boolean stopped;

	AmiServer(InetAddress address, int port, BiConsumer<AmiSession, AmiMessage> actions) {
		this.actions = actions;
		try {
			this.serverSocket = new ServerSocket();
			this.serverSocket.setReuseAddress(true);
			this.serverSocket.bind(new InetSocketAddress(address, port), 200);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen for AMI on port " + port, ex);
		}
		this.acceptor = new Thread(this::acceptLoop, "pbx-ami-accept-" + port());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Sends the event to every session that logged in with events on. Serialised once and queued under one lock, so
	 * every client sees all events in the same order.
	 */
	void broadcast(AmiMessage event) {
		byte[] bytes = event.toBytes();
		synchronized (this.broadcastLock) {
			for (AmiSession session : this.sessions) {
				session.offerEvent(bytes);
			}
		}
	}

	int sessionCount() {
		return this.sessions.size();
	}

	/** Drops every client connection (as a PBX restart would) but keeps listening. */
	void disconnectAll() {
		for (AmiSession session : this.sessions) {
			session.close();
		}
	}

	void stop() {
		this.stopped = true;
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			log.debug("Closing the AMI listener: {}", ex.getMessage());
		}
		disconnectAll();
		try {
			this.acceptor.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void removed(AmiSession session) {
		this.sessions.remove(session);
	}

	private void acceptLoop() {
		while (!this.stopped) {
			try {
				Socket socket = this.serverSocket.accept();
				socket.setTcpNoDelay(true);
				AmiSession session = new AmiSession(this.sessionIds.incrementAndGet(), socket, this.actions, this);
				this.sessions.add(session);
				session.start();
			}
			catch (SocketException ex) {
				if (!this.stopped) {
					log.warn("AMI listener failed: {}", ex.getMessage());
				}
				return;
			}
			catch (IOException ex) {
				log.warn("Could not accept an AMI client: {}", ex.getMessage());
			}
		}
	}

}
