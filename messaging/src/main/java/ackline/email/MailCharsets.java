package ackline.email;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Charset handling for mail written by mainland clients, where labels are often wrong or missing: GB2312 is
 * decoded as GBK (its superset, which is what senders actually write), unlabelled or US-ASCII-labelled 8-bit
 * text is tried as UTF-8 then GBK, and RFC 2047 words are decoded here rather than by Jakarta Mail so that the
 * same rules apply and multi-byte characters split across adjacent words survive.
 */
final class MailCharsets {

	static final Charset GBK = Charset.forName("GBK");

	static final Charset GB18030 = Charset.forName("GB18030");

	static final Charset BIG5 = Charset.forName("Big5");

	private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

	private MailCharsets() {
	}

	/**
	 * The charset to decode text labelled {@code label} with, or null when the label says nothing useful
	 * (missing, US-ASCII, unknown) and the bytes should be sniffed.
	 */
	static Charset forLabel(String label) {
		if (label == null) {
			return null;
		}
		String name = label.strip().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
		int language = name.indexOf('*'); // RFC 2231 language suffix: =?gbk*zh-cn?B?...?=
		if (language >= 0) {
			name = name.substring(0, language);
		}
		switch (name) {
			case "", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us", "unknown-8bit", "x-unknown":
				return null;
			case "gb2312", "gb_2312", "gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn", "euccn", "gbk", "x-gbk", "cp936",
					"ms936", "windows-936", "chinese", "iso-ir-58", "csiso58gb231280":
				return GBK;
			case "gb18030", "gb-18030":
				return GB18030;
			case "big5", "big-5", "csbig5", "x-x-big5", "cn-big5":
				return BIG5;
			case "utf8", "utf-8", "unicode-1-1-utf-8":
				return StandardCharsets.UTF_8;
			default:
				try {
					return Charset.forName(name);
				}
				catch (IllegalArgumentException ex) {
					return null;
				}
		}
	}

	/** Decodes text bytes labelled {@code label}, falling back to sniffing when the label is absent or wrong. */
	static String decode(byte[] bytes, String label) {
		Charset charset = forLabel(label);
		if (charset == null) {
			return decodeUnlabelled(bytes);
		}
		if (charset.equals(StandardCharsets.UTF_8)) {
			// "UTF-8" on GBK bytes is a common mislabel from older desktop clients
			String utf8 = strict(bytes, StandardCharsets.UTF_8);
			if (utf8 != null) {
				return utf8;
			}
			String gbk = strict(bytes, GBK);
			return gbk != null ? gbk : new String(bytes, StandardCharsets.UTF_8);
		}
		return new String(bytes, charset);
	}

	/** Unlabelled text: UTF-8 when the bytes are valid UTF-8, otherwise GBK (the mainland default). */
	static String decodeUnlabelled(byte[] bytes) {
		String utf8 = strict(bytes, StandardCharsets.UTF_8);
		return utf8 != null ? utf8 : new String(bytes, GBK);
	}

	private static String strict(byte[] bytes, Charset charset) {
		try {
			CharBuffer chars = charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * Decodes a header value as Jakarta Mail hands it over (unfolded or not, one char per byte since UTF-8
	 * headers are not enabled): raw 8-bit bytes are sniffed, then RFC 2047 encoded words are decoded, joining
	 * adjacent words of the same charset before decoding because mailers split multi-byte characters across
	 * them.
	 */
	static String decodeHeader(String value) {
		if (value == null) {
			return null;
		}
		String unfolded = value.replaceAll("\\r?\\n(?=[ \\t])", "").replace("\r", "").replace("\n", "");
		if (hasEightBit(unfolded)) {
			unfolded = decodeUnlabelled(unfolded.getBytes(StandardCharsets.ISO_8859_1));
		}
		Matcher word = ENCODED_WORD.matcher(unfolded);
		StringBuilder out = new StringBuilder();
		PendingWord pending = null;
		int last = 0;
		while (word.find()) {
			String between = unfolded.substring(last, word.start());
			if (pending == null || !between.isBlank()) {
				if (pending != null) {
					out.append(pending.text());
					pending = null;
				}
				out.append(between);
			}
			byte[] bytes = word.group(2).equalsIgnoreCase("B") ? base64(word.group(3)) : qDecode(word.group(3));
			String label = word.group(1);
			if (pending != null && pending.label().equalsIgnoreCase(label)) {
				pending = pending.plus(bytes);
			}
			else {
				if (pending != null) {
					out.append(pending.text());
				}
				pending = new PendingWord(label, bytes);
			}
			last = word.end();
		}
		if (pending != null) {
			out.append(pending.text());
		}
		out.append(unfolded.substring(last));
		return out.toString().strip();
	}

	/** True when the value holds raw 8-bit bytes (one char each), not text that was already decoded. */
	private static boolean hasEightBit(String value) {
		boolean eightBit = false;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c > 0xFF) {
				return false;
			}
			eightBit |= c > 0x7F;
		}
		return eightBit;
	}

	static byte[] base64(String text) {
		String clean = text.replaceAll("[^A-Za-z0-9+/]", "");
		int remainder = clean.length() % 4;
		if (remainder == 1) {
			clean = clean.substring(0, clean.length() - 1); // a dangling sextet carries no whole byte
		}
		else if (remainder > 0) {
			clean = clean + "==".substring(0, 4 - remainder);
		}
		try {
			return Base64.getDecoder().decode(clean);
		}
		catch (IllegalArgumentException ex) {
			return new byte[0];
		}
	}

	private static byte[] qDecode(String text) {
		ByteBuffer out = ByteBuffer.allocate(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '_') {
				out.put((byte) ' ');
			}
			else if (c == '=' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
				out.put((byte) Integer.parseInt(text.substring(i + 1, i + 3), 16));
				i += 2;
			}
			else {
				out.put((byte) c);
			}
		}
		byte[] bytes = new byte[out.position()];
		out.flip().get(bytes);
		return bytes;
	}

	private static boolean isHex(char c) {
		return Character.digit(c, 16) >= 0;
	}

	private record PendingWord(String label, byte[] bytes) {

		PendingWord plus(byte[] more) {
			byte[] joined = new byte[bytes.length + more.length];
			System.arraycopy(bytes, 0, joined, 0, bytes.length);
			System.arraycopy(more, 0, joined, bytes.length, more.length);
			return new PendingWord(label, joined);
		}

		String text() {
			return decode(bytes, label);
		}

	}

}
