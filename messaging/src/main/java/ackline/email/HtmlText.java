package ackline.email;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an HTML mail body into plain text, enough to read a short reply: markup is dropped, block elements
 * become line breaks, and {@code <blockquote>} content is prefixed with {@code "> "} so the quoted original is
 * recognised the same way as in a text/plain reply.
 */
final class HtmlText {

	private static final Pattern INVISIBLE = Pattern.compile(
			"<!--.*?-->|<!\\[CDATA\\[.*?]]>|<(style|script|head|title|xml)\\b[^>]*>.*?</\\1\\s*>|<![^>]*>|<\\?[^>]*>",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\\s[^>]*)?/?>");

	private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");

	private static final Set<String> BLOCKS = Set.of("p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3",
			"h4", "h5", "h6", "hr", "pre", "dl", "dt", "dd", "section", "article", "header", "footer", "center",
			"address");

	private static final Map<String, String> ENTITIES = Map.ofEntries(Map.entry("nbsp", " "), Map.entry("amp", "&"),
			Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""), Map.entry("apos", "'"),
			Map.entry("ensp", " "), Map.entry("emsp", " "), Map.entry("thinsp", " "), Map.entry("copy", "©"),
			Map.entry("reg", "®"), Map.entry("mdash", "—"), Map.entry("ndash", "–"), Map.entry("hellip", "…"),
			Map.entry("ldquo", "“"), Map.entry("rdquo", "”"), Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"),
			Map.entry("laquo", "«"), Map.entry("raquo", "»"), Map.entry("middot", "·"), Map.entry("bull", "•"),
			Map.entry("yen", "¥"), Map.entry("times", "×"), Map.entry("deg", "°"));

	private HtmlText() {
	}

	static String toText(String html) {
		if (html == null) {
			return "";
		}
		String visible = INVISIBLE.matcher(html).replaceAll("");
		Lines lines = new Lines();
		Matcher tag = TAG.matcher(visible);
		int last = 0;
		while (tag.find()) {
			lines.text(visible.substring(last, tag.start()));
			lines.tag(tag.group(2).toLowerCase(Locale.ROOT), !tag.group(1).isEmpty());
			last = tag.end();
		}
		lines.text(visible.substring(last));
		return lines.render();
	}

	static String unescape(String text) {
		Matcher entity = ENTITY.matcher(text);
		StringBuilder out = new StringBuilder();
		while (entity.find()) {
			entity.appendReplacement(out, Matcher.quoteReplacement(resolve(entity.group(1), entity.group())));
		}
		entity.appendTail(out);
		return out.toString().replace('\u00A0', ' ');
	}

	private static String resolve(String name, String original) {
		if (name.startsWith("#")) {
			try {
				int codePoint = (name.charAt(1) == 'x' || name.charAt(1) == 'X') ? Integer.parseInt(name.substring(2), 16)
						: Integer.parseInt(name.substring(1));
				return Character.isValidCodePoint(codePoint) && codePoint != 0 ? new String(Character.toChars(codePoint))
						: original;
			}
			catch (NumberFormatException ex) {
				return original;
			}
		}
		String resolved = ENTITIES.get(name.toLowerCase(Locale.ROOT));
		return resolved != null ? resolved : original;
	}

	/** Output lines, each remembering how deep in blockquotes it started. */
	private static final class Lines {

		private final List<StringBuilder> texts = new ArrayList<>();

		private final List<Integer> depths = new ArrayList<>();

		private int quoteDepth;

		private int preDepth;

		Lines() {
			newLine();
		}

		void text(String raw) {
			if (raw.isEmpty()) {
				return;
			}
			if (preDepth > 0) {
				String[] parts = unescape(raw).replace("\r\n", "\n").split("\n", -1);
				for (int i = 0; i < parts.length; i++) {
					if (i > 0) {
						newLine();
					}
					current().append(parts[i]);
				}
				return;
			}
			String text = unescape(raw.replaceAll("[ \\t\\r\\n\\f]+", " "));
			StringBuilder line = current();
			if (line.isEmpty() || line.charAt(line.length() - 1) == ' ') {
				text = text.stripLeading();
			}
			line.append(text);
		}

		void tag(String name, boolean closing) {
			switch (name) {
				case "br" -> newLine();
				case "blockquote" -> {
					breakLine();
					quoteDepth = Math.max(0, quoteDepth + (closing ? -1 : 1));
					depths.set(depths.size() - 1, quoteDepth);
				}
				case "pre" -> {
					breakLine();
					preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
				}
				case "td", "th" -> {
					StringBuilder line = current();
					if (!closing && !line.isEmpty() && line.charAt(line.length() - 1) != ' ') {
						line.append(' ');
					}
				}
				default -> {
					if (BLOCKS.contains(name)) {
						breakLine();
					}
				}
			}
		}

		/** Starts a new line unless the current one is still empty, so nested blocks do not pile up blank lines. */
		private void breakLine() {
			if (!current().toString().isBlank()) {
				newLine();
			}
		}

		private void newLine() {
			texts.add(new StringBuilder());
			depths.add(quoteDepth);
		}

		private StringBuilder current() {
			return texts.get(texts.size() - 1);
		}

		String render() {
			StringBuilder out = new StringBuilder();
			for (int i = 0; i < texts.size(); i++) {
				String text = texts.get(i).toString().strip();
				if (!text.isEmpty()) {
					out.append("> ".repeat(depths.get(i)));
				}
				out.append(text).append('\n');
			}
			return out.toString().replaceAll("\n{3,}", "\n\n").strip();
		}

	}

}
