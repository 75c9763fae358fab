package ackline.asterisk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.MappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.asteriskjava.util.SocketConnectionFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk-Java's FastAGI server on a socket bound before it starts, so a taken port fails {@link #start()} with a
 * clear message and port 0 gives a free port that {@link #port()} reads back. Only the {@code notice-ack} script is
 * served: Asterisk-Java's default mapping would instantiate any class an AGI URL names.
 */
final class FastAgiServer {

	private static final Logger log = LoggerFactory.getLogger(FastAgiServer.class);

	private static final int BACKLOG = 50;

	/** A script still talking to a channel after this long without a reply is abandoned (a hung PBX). */
	private static final int READ_TIMEOUT_MILLIS = 30 * 60 * 1000;

	private final String bind;

	private final int requestedPort;

	private final AgiScript script;

	private ServerSocket socket;

	private Server server;

	private Thread acceptor;

	FastAgiServer(String bind, int port, AgiScript script) {
		this.bind = bind;
		this.requestedPort = port;
		this.script = script;
	}

	/** Binds the port and starts accepting Asterisk's connections. */
	synchronized void start() {
		if (server != null) {
			return;
		}
		try {
			socket = new ServerSocket(requestedPort, BACKLOG, InetAddress.getByName(bind));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen for FastAGI on " + bind + ":" + requestedPort
					+ " (ackline.asterisk.agi-bind, ackline.asterisk.agi-port): " + ex.getMessage(), ex);
		}
		server = new Server(socket, (request, channel) -> NoticeAckScript.NAME.equals(request.getScript()) ? script
				: unknown(request));
		server.setPort(socket.getLocalPort());
		server.setAddress(socket.getInetAddress());
		server.setSocketReadTimeout(READ_TIMEOUT_MILLIS);
		acceptor = new Thread(this::serve, "ackline-fastagi-" + socket.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
		log.info("FastAGI listening on {}:{} for {}", bind, socket.getLocalPort(), NoticeAckScript.NAME);
	}

	/** The port Asterisk connects to, once started. */
	synchronized int port() {
		return socket == null ? -1 : socket.getLocalPort();
	}

	/** Stops accepting; scripts still running finish on Asterisk-Java's pool. */
	synchronized void stop() {
		if (server == null) {
			return;
		}
		try {
			server.shutdown();
		}
		catch (IllegalStateException ex) {
			log.debug("FastAGI server was not running: {}", ex.getMessage());
		}
		closeQuietly(socket);
		server = null;
		socket = null;
		acceptor = null;
	}

	private void serve() {
		Server running;
		synchronized (this) {
			running = server;
		}
		if (running == null) {
			return;
		}
		try {
			running.startup();
		}
		catch (IOException | IllegalStateException ex) {
			log.error("FastAGI server stopped: {}", ex.getMessage(), ex);
		}
	}

	private static AgiScript unknown(AgiRequest request) {
		log.warn("FastAGI request for unknown script '{}' ({}) from {}", request.getScript(), request.getRequestURL(),
				request.getRemoteAddress());
		return null;
	}

	private static void closeQuietly(ServerSocket socket) {
		try {
			if (socket != null) {
				socket.close();
			}
		}
		catch (IOException ex) {
			log.debug("Closing the FastAGI socket: {}", ex.getMessage());
		}
	}

	/** Asterisk-Java's server, accepting on our socket. */
	private static final class Server extends DefaultAgiServer {

		private final ServerSocket socket;

		Server(ServerSocket socket, MappingStrategy mapping) {
			super(mapping);
			this.socket = socket;
		}

		@Override
		protected ServerSocketFacade createServerSocket() {
			return new BoundSocket(socket);
		}

	}

	private static final class BoundSocket implements ServerSocketFacade {

		private final ServerSocket socket;

		private int readTimeout;

		BoundSocket(ServerSocket socket) {
			this.socket = socket;
		}

		@Override
		public SocketConnectionFacade accept() throws IOException {
			Socket accepted = socket.accept();
			accepted.setSoTimeout(readTimeout);
			return new Connection(accepted);
		}

		@Override
		public void close() throws IOException {
			socket.close();
		}

		@Override
		public void setSocketReadTimeout(int socketReadTimeout) {
			this.readTimeout = socketReadTimeout;
		}

	}

	/** One AGI session: lines of ASCII/UTF-8 text, {@code \n}-terminated, null at the end of the stream. */
	private static final class Connection implements SocketConnectionFacade {

		private final Socket socket;

		private final BufferedReader reader;

		private final Writer writer;

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			this.writer = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
		}

		@Override
		public String readLine() throws IOException {
			try {
				return reader.readLine();
			}
			catch (SocketException ex) {
				if (socket.isClosed()) {
					return null;
				}
				throw ex;
			}
		}

		@Override
		public void write(String text) throws IOException {
			writer.write(text);
		}

		@Override
		public void flush() throws IOException {
			writer.flush();
		}

		@Override
		public void close() throws IOException {
			socket.close();
		}

		@Override
		public boolean isConnected() {
			return socket.isConnected() && !socket.isClosed();
		}

		@Override
		public InetAddress getLocalAddress() {
			return socket.getLocalAddress();
		}

		@Override
		public int getLocalPort() {
			return socket.getLocalPort();
		}

		@Override
		public InetAddress getRemoteAddress() {
			return socket.getInetAddress();
		}

		@Override
		public int getRemotePort() {
			return socket.getPort();
		}

	}

}
