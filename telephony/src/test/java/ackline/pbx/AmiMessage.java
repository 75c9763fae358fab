package ackline.pbx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One AMI packet: header lines {@code Key: Value} in the order they were written or read, keys compared without
 * case as Asterisk does. The same key may appear more than once ({@code Variable}, {@code ChanVariable},
 * {@code Output}).
 */
final class AmiMessage {

	private final List<String[]> headers = new ArrayList<>();

	static AmiMessage event(String name) {
		return new AmiMessage().add("Event", name);
	}

	static AmiMessage response(String response, AmiMessage action) {
		AmiMessage message = new AmiMessage().add("Response", response);
		String actionId = action.get("ActionID");
		if (actionId != null) {
			message.add("ActionID", actionId);
		}
		return message;
	}

	AmiMessage add(String key, Object value) {
		this.headers.add(new String[] { key, value == null ? "" : String.valueOf(value) });
		return this;
	}

	AmiMessage addAll(AmiMessage other) {
		this.headers.addAll(other.headers);
		return this;
	}

	/** The first value of the key, or null. */
	String get(String key) {
		for (String[] header : this.headers) {
			if (header[0].equalsIgnoreCase(key)) {
				return header[1];
			}
		}
		return null;
	}

	String get(String key, String fallback) {
		String value = get(key);
		return value == null || value.isBlank() ? fallback : value.trim();
	}

	List<String> getAll(String key) {
		List<String> values = new ArrayList<>();
		for (String[] header : this.headers) {
			if (header[0].equalsIgnoreCase(key)) {
				values.add(header[1]);
			}
		}
		return values;
	}

	boolean isEmpty() {
		return this.headers.isEmpty();
	}

	/** The action's name, lower case; null when the packet carries none. */
	String action() {
		String action = get("Action");
		return action == null ? null : action.trim().toLowerCase(Locale.ROOT);
	}

	/** Parses one header line as Asterisk's manager does: the key ends at the first colon, one space is skipped. */
	void parseLine(String line) {
		int colon = line.indexOf(':');
		if (colon <= 0) {
			return;
		}
		String value = line.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		this.headers.add(new String[] { line.substring(0, colon).trim(), value });
	}

	byte[] toBytes() {
		StringBuilder out = new StringBuilder(512);
		for (String[] header : this.headers) {
			out.append(header[0]).append(": ").append(header[1]).append("\r\n");
		}
		out.append("\r\n");
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return new String(toBytes(), StandardCharsets.UTF_8);
	}

}
