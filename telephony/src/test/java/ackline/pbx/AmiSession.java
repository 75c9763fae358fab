package ackline.pbx;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One manager connection: a reader thread that cuts the stream into packets (lines end in CRLF, a blank line ends a
 * packet) and hands each to the action handler, and a writer thread that sends responses and events in the order
 * they were queued, so a slow client never holds up a call.
 */
final class AmiSession {

	static final String BANNER = "Asterisk Call Manager/9.0.0\r\n";

	private static final Logger log = LoggerFactory.getLogger(AmiSession.class);

	private static final byte[] CLOSE = new byte[0];

	private final int id;

	private final Socket socket;

	private final BiConsumer<AmiSession, AmiMessage> actions;

	private final AmiServer server;

	private final BlockingQueue<byte[]> outbound = new LinkedBlockingQueue<>();

	private volatile boolean authenticated;

	private volatile boolean eventsOn = true;

	private volatile String username;

	private volatile String challenge;

	private volatile boolean closed;

	AmiSession(int id, Socket socket, BiConsumer<AmiSession, AmiMessage> actions, AmiServer server) {
		this.id = id;
		this.socket = socket;
		this.actions = actions;
		this.server = server;
	}

	void start() {
		this.outbound.add(BANNER.getBytes(StandardCharsets.US_ASCII));
		Thread writer = new Thread(this::writeLoop, "pbx-ami-" + this.id + "-writer");
		writer.setDaemon(true);
		writer.start();
		Thread reader = new Thread(this::readLoop, "pbx-ami-" + this.id + "-reader");
		reader.setDaemon(true);
		reader.start();
	}

	void send(AmiMessage message) {
		if (!this.closed) {
			this.outbound.add(message.toBytes());
		}
	}

	void offerEvent(byte[] event) {
		if (this.authenticated && this.eventsOn && !this.closed) {
			this.outbound.add(event);
		}
	}

	/** Sends what is queued, then closes the connection (Logoff, failed login). */
	void closeAfterFlush() {
		this.outbound.add(CLOSE);
	}

	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.outbound.add(CLOSE);
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			log.debug("Closing AMI session {}: {}", this.id, ex.getMessage());
		}
		this.server.removed(this);
	}

	boolean authenticated() {
		return this.authenticated;
	}

	void authenticated(String username) {
		this.username = username;
		this.authenticated = true;
	}

	String username() {
		return this.username;
	}

	void eventsOn(boolean on) {
		this.eventsOn = on;
	}

	boolean eventsOn() {
		return this.eventsOn;
	}

	String challenge() {
		return this.challenge;
	}

	void challenge(String challenge) {
		this.challenge = challenge;
	}

	private void readLoop() {
		try (InputStream in = new BufferedInputStream(this.socket.getInputStream())) {
			AmiMessage packet = new AmiMessage();
			String line;
			while ((line = readLine(in)) != null) {
				if (line.isEmpty()) {
					if (!packet.isEmpty()) {
						this.actions.accept(this, packet);
						packet = new AmiMessage();
					}
					continue;
				}
				packet.parseLine(line);
			}
		}
		catch (IOException ex) {
			if (!this.closed) {
				log.debug("AMI session {} read failed: {}", this.id, ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			log.warn("AMI session {} failed", this.id, ex);
		}
		finally {
			close();
		}
	}

	private void writeLoop() {
		try (OutputStream out = new BufferedOutputStream(this.socket.getOutputStream(), 16 * 1024)) {
			while (true) {
				byte[] bytes = this.outbound.take();
				if (bytes == CLOSE) {
					out.flush();
					break;
				}
				out.write(bytes);
				if (this.outbound.isEmpty()) {
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			log.debug("AMI session {} write failed: {}", this.id, ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			close();
		}
	}

	/** A line without its CR LF (a bare LF ends a line too, as Asterisk accepts); null at the end of the stream. */
	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(128);
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			line.write(b);
		}
		return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "AMI session " + this.id + (this.username == null ? "" : " (" + this.username + ")");
	}

}
