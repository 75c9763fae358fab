package ackline.localrun;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A manager client written from the AMI protocol alone, with no Asterisk-Java: what a person's own tool does when
 * pointed at the local run's port 5038. Lines of {@code Key: Value}, a blank line ends a packet.
 */
final class PlainAmiClient implements AutoCloseable {

	/** Long enough for anything the simulated PBX answers; reached only when something is broken. */
	private static final int PATIENCE_MILLIS = 15_000;

	private final Socket socket;

	private final BufferedReader in;

	private final OutputStream out;

	private final String banner;

	PlainAmiClient(int port) throws IOException {
		this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
		this.socket.setSoTimeout(PATIENCE_MILLIS);
		this.in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		this.out = this.socket.getOutputStream();
		this.banner = this.in.readLine();
	}

	/** The line the manager greets with, e.g. {@code Asterisk Call Manager/9.0.0}. */
	String banner() {
		return this.banner;
	}

	/**
	 * Sends an action ({@code "Action", "Ping", "ActionID", "p1"}: names and values in turn) and returns the response
	 * that echoes its ActionID; events read on the way are skipped.
	 */
	Map<String, String> action(String... headers) throws IOException {
		StringBuilder packet = new StringBuilder();
		String actionId = null;
		for (int i = 0; i + 1 < headers.length; i += 2) {
			packet.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
			if ("ActionID".equalsIgnoreCase(headers[i])) {
				actionId = headers[i + 1];
			}
		}
		this.out.write(packet.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
		this.out.flush();
		while (true) {
			Map<String, String> read = read();
			if (read.containsKey("Response") && (actionId == null || actionId.equals(read.get("ActionID")))) {
				return read;
			}
		}
	}

	/** The next packet; a header that repeats keeps its last value. */
	Map<String, String> read() throws IOException {
		Map<String, String> packet = new LinkedHashMap<>();
		String line;
		while ((line = this.in.readLine()) != null) {
			if (line.isEmpty()) {
				if (packet.isEmpty()) {
					continue;
				}
				return packet;
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				packet.put(line.substring(0, colon), line.substring(colon + 1).strip());
			}
		}
		throw new IOException("The manager closed the connection; last packet " + packet);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
