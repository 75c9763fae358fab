package ackline.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The one text of a JSON value that the audit chain hashes: no whitespace, object keys sorted (by UTF-16 code
 * units), strings escaped only where JSON requires ({@code \" \\ \b \f \n \r \t}, other control characters as
 * {@code \}{@code u00xx}), integers as digits, other numbers in plain decimal notation.
 */
final class CanonicalJson {

	private CanonicalJson() {
	}

	static String write(JsonNode node) {
		StringBuilder out = new StringBuilder();
		write(node, out);
		return out.toString();
	}

	static void write(JsonNode node, StringBuilder out) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			out.append("null");
		}
		else if (node.isObject()) {
			List<String> names = new ArrayList<>();
			for (Map.Entry<String, JsonNode> e : node.properties()) {
				names.add(e.getKey());
			}
			Collections.sort(names);
			out.append('{');
			for (int i = 0; i < names.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				string(names.get(i), out);
				out.append(':');
				write(node.get(names.get(i)), out);
			}
			out.append('}');
		}
		else if (node.isArray()) {
			out.append('[');
			for (int i = 0; i < node.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(node.get(i), out);
			}
			out.append(']');
		}
		else if (node.isString()) {
			string(node.stringValue(), out);
		}
		else if (node.isBoolean()) {
			out.append(node.booleanValue());
		}
		else if (node.isIntegralNumber()) {
			out.append(node.bigIntegerValue());
		}
		else if (node.isNumber()) {
			out.append(node.decimalValue().toPlainString());
		}
		else {
			string(node.asString(), out);
		}
	}

	static void string(String s, StringBuilder out) {
		if (s == null) {
			out.append("null");
			return;
		}
		out.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
