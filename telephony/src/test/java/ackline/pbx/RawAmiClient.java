package ackline.pbx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A manager client written from the protocol alone, with no Asterisk-Java: it proves that any AMI client can log in,
 * originate and follow the events. Packets are read on a thread of their own and kept in arrival order.
 */
final class RawAmiClient implements AutoCloseable {

	/** Long enough for anything the simulator does in a test; reached only when something is broken. */
	static final Duration PATIENCE = Duration.ofSeconds(15);

	private static final Packet CLOSED = new Packet(List.of());

	private final Socket socket;

	private final OutputStream out;

	private final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();

	/** Packets read while waiting for another one, oldest first. */
	private final List<Packet> backlog = new ArrayList<>();

	private final String banner;

	private volatile boolean closed;

	/** One AMI packet: its header lines in order; the first value of a key is {@link #get}. */
	record Packet(List<String[]> lines) {

		String get(String key) {
			for (String[] line : this.lines) {
				if (line[0].equalsIgnoreCase(key)) {
					return line[1];
				}
			}
			return null;
		}

		List<String> getAll(String key) {
			List<String> values = new ArrayList<>();
			for (String[] line : this.lines) {
				if (line[0].equalsIgnoreCase(key)) {
					values.add(line[1]);
				}
			}
			return values;
		}

		String event() {
			return get("Event");
		}

		boolean isEvent(String name) {
			return name.equalsIgnoreCase(event());
		}

		List<String> keys() {
			return this.lines.stream().map(line -> line[0]).toList();
		}

		@Override
		public String toString() {
			StringBuilder text = new StringBuilder();
			for (String[] line : this.lines) {
				text.append(line[0]).append(": ").append(line[1]).append(" | ");
			}
			return text.toString();
		}

	}

	RawAmiClient(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.out = this.socket.getOutputStream();
		BufferedReader in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		this.banner = in.readLine();
		Thread reader = new Thread(() -> readLoop(in), "raw-ami-client");
		reader.setDaemon(true);
		reader.start();
	}

	String banner() {
		return this.banner;
	}

	/** Sends an action: header lines in the order given, CRLF, a blank line at the end. */
	void send(Map<String, String> headers) {
		StringBuilder packet = new StringBuilder();
		headers.forEach((key, value) -> packet.append(key).append(": ").append(value).append("\r\n"));
		packet.append("\r\n");
		write(packet.toString());
	}

	/** Sends an action given as key, value, key, value ...; a key may repeat ({@code Variable}). */
	void send(String... keyValues) {
		StringBuilder packet = new StringBuilder();
		for (int i = 0; i < keyValues.length; i += 2) {
			packet.append(keyValues[i]).append(": ").append(keyValues[i + 1]).append("\r\n");
		}
		packet.append("\r\n");
		write(packet.toString());
	}

	void write(String raw) {
		try {
			this.out.write(raw.getBytes(StandardCharsets.UTF_8));
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The response to the action with this ActionID (events before it stay queued). */
	Packet response(String actionId) {
		return await(packet -> packet.event() == null && packet.get("Response") != null
				&& actionId.equals(packet.get("ActionID")),
				"response to " + actionId);
	}

	/** The first packet that matches; the ones before it stay for later calls. */
	Packet await(Predicate<Packet> matcher, String what) {
		for (Packet packet : this.backlog) {
			if (matcher.test(packet)) {
				this.backlog.remove(packet);
				return packet;
			}
		}
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (true) {
			Packet packet = poll(deadline - System.nanoTime());
			if (packet == null) {
				throw new AssertionError("No " + what + " within " + PATIENCE);
			}
			if (packet == CLOSED) {
				this.backlog.add(packet);
				throw new AssertionError("Connection closed while waiting for " + what);
			}
			if (matcher.test(packet)) {
				return packet;
			}
			this.backlog.add(packet);
		}
	}

	/** Every packet up to and including the first that matches, in arrival order (the backlog first). */
	List<Packet> until(Predicate<Packet> last, String what) {
		List<Packet> seen = new ArrayList<>();
		while (!this.backlog.isEmpty()) {
			Packet packet = this.backlog.remove(0);
			if (packet == CLOSED) {
				throw new AssertionError("Connection closed while waiting for " + what + "; got " + seen);
			}
			seen.add(packet);
			if (last.test(packet)) {
				return seen;
			}
		}
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (true) {
			Packet packet = poll(deadline - System.nanoTime());
			if (packet == null || packet == CLOSED) {
				throw new AssertionError("No " + what + " within " + PATIENCE + "; got " + seen);
			}
			seen.add(packet);
			if (last.test(packet)) {
				return seen;
			}
		}
	}

	/** True once the server closed the connection (drains what is left). */
	boolean awaitClosed() {
		if (this.backlog.remove(CLOSED)) {
			return true;
		}
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (true) {
			Packet packet = poll(deadline - System.nanoTime());
			if (packet == null) {
				return false;
			}
			if (packet == CLOSED) {
				return true;
			}
		}
	}

	/** Packets that arrived and were not taken yet. */
	List<Packet> drain() {
		List<Packet> rest = new ArrayList<>(this.backlog);
		this.backlog.clear();
		this.packets.drainTo(rest);
		rest.remove(CLOSED);
		return rest;
	}

	private Packet poll(long nanos) {
		try {
			return this.packets.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private void readLoop(BufferedReader in) {
		try {
			List<String[]> lines = new ArrayList<>();
			String line;
			while ((line = in.readLine()) != null) {
				if (line.isEmpty()) {
					if (!lines.isEmpty()) {
						this.packets.add(new Packet(List.copyOf(lines)));
						lines.clear();
					}
					continue;
				}
				int colon = line.indexOf(':');
				lines.add(colon < 0 ? new String[] { line, "" }
						: new String[] { line.substring(0, colon), line.substring(colon + 1).strip() });
			}
		}
		catch (IOException ex) {
			// closed
		}
		this.packets.add(CLOSED);
	}

	@Override
	public void close() throws IOException {
		if (!this.closed) {
			this.closed = true;
			this.socket.close();
		}
	}

}
