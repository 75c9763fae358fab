package ackline.email;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.notice.ReceivedMail;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;

/**
 * Reads an RFC 822 email, from the reply mailbox or from stored evidence, into a {@link ReceivedMail}: headers,
 * the body as text in whatever charset and transfer encoding the client used, and the reply without the quoted
 * original.
 */
public final class MailText {

	/** Parsing only; headers stay one char per byte so that raw GBK or UTF-8 headers can be sniffed. */
	private static final Session PARSING = Session.getInstance(parsingProperties());

	private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)");

	private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

	private static final Pattern BARE_ADDRESS = Pattern.compile("[^\\s<>\"',;:()\\[\\]]+@[^\\s<>\"',;:()\\[\\]]+");

	private static final int MAX_DEPTH = 12;

	private MailText() {
	}

	/**
	 * Parses a raw message.
	 * @param raw the message as RFC 822 bytes
	 * @param receivedAt when the server received it; null to take the Date header (or now, if that is missing)
	 * @return the decoded message, never null, even for malformed input
	 */
	public static ReceivedMail read(byte[] raw, Instant receivedAt) {
		MimeMessage message;
		try {
			message = new MimeMessage(PARSING, new ByteArrayInputStream(raw));
		}
		catch (MessagingException ex) {
			// headers that cannot be parsed at all: keep the evidence and show the bytes as text
			String text = normalize(MailCharsets.decodeUnlabelled(raw));
			return new ReceivedMail(syntheticId(raw), "", "", null, List.of(), text, ReplyText.strip(text), raw,
					receivedAt != null ? receivedAt : Instant.now());
		}
		String messageId = firstId(header(message, "Message-ID"));
		String text = body(message);
		return new ReceivedMail(messageId != null ? messageId : syntheticId(raw), from(message),
				nonNull(MailCharsets.decodeHeader(header(message, "Subject"))), firstId(header(message, "In-Reply-To")),
				references(header(message, "References")), text, ReplyText.strip(text), raw,
				receivedAt != null ? receivedAt : dateHeader(message));
	}

	/** Reads a message fetched from a store; its raw bytes are taken once and parsed like any other. */
	static ReceivedMail read(Message message) throws MessagingException, IOException {
		ByteArrayOutputStream raw = new ByteArrayOutputStream();
		message.writeTo(raw);
		Date received = message.getReceivedDate();
		return read(raw.toByteArray(), received != null ? received.toInstant() : null);
	}

	/** An address fit for logs (R-SV-4): the first character of the local part and the domain. */
	static String mask(String address) {
		if (address == null || address.isBlank()) {
			return "(none)";
		}
		int at = address.lastIndexOf('@');
		if (at <= 0) {
			return "***";
		}
		return address.charAt(0) + "***" + address.substring(at);
	}

	/** The text with every email address in it masked, for exception messages that may be logged. */
	static String maskAddresses(String text) {
		if (text == null) {
			return null;
		}
		return BARE_ADDRESS.matcher(text).replaceAll((match) -> Matcher.quoteReplacement(mask(match.group())));
	}

	private static String header(MimeMessage message, String name) {
		try {
			return message.getHeader(name, " ");
		}
		catch (MessagingException ex) {
			return null;
		}
	}

	private static String from(MimeMessage message) {
		String value = header(message, "From");
		if (value == null) {
			value = header(message, "Sender");
		}
		if (value == null) {
			return "";
		}
		value = MimeUtility.unfold(value);
		try {
			InternetAddress[] addresses = InternetAddress.parseHeader(value, false);
			if (addresses.length > 0 && addresses[0].getAddress() != null && addresses[0].getAddress().contains("@")) {
				return addresses[0].getAddress().strip().toLowerCase(Locale.ROOT);
			}
		}
		catch (AddressException ex) {
			// fall through to the lenient search below
		}
		Matcher bare = BARE_ADDRESS.matcher(value);
		return bare.find() ? bare.group().toLowerCase(Locale.ROOT) : "";
	}

	private static String firstId(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Matcher id = MESSAGE_ID.matcher(value);
		return id.find() ? id.group() : value.strip();
	}

	private static List<String> references(String value) {
		if (value == null || value.isBlank()) {
			return List.of();
		}
		List<String> ids = new ArrayList<>();
		Matcher id = MESSAGE_ID.matcher(value);
		while (id.find()) {
			ids.add(id.group());
		}
		if (ids.isEmpty()) {
			for (String token : value.strip().split("\\s+")) {
				ids.add(token);
			}
		}
		return List.copyOf(ids);
	}

	private static Instant dateHeader(MimeMessage message) {
		try {
			Date sent = message.getSentDate();
			if (sent != null) {
				return sent.toInstant();
			}
		}
		catch (MessagingException ex) {
			// an unparseable Date header is as good as none
		}
		return Instant.now();
	}

	private static String syntheticId(byte[] raw) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
			return "<" + HexFormat.of().formatHex(digest) + "@ackline.invalid>";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

	private static String body(MimeMessage message) {
		Bodies bodies = new Bodies();
		walk(message, bodies, 0);
		String text;
		if (bodies.plain != null && !bodies.plain.isBlank()) {
			text = bodies.plain;
		}
		else if (bodies.html != null) {
			text = HtmlText.toText(bodies.html);
		}
		else {
			text = bodies.plain != null ? bodies.plain : "";
		}
		return normalize(text);
	}

	/** Depth first: the first inline text/plain and the first inline text/html, attachments skipped. */
	private static void walk(Part part, Bodies bodies, int depth) {
		if (depth > MAX_DEPTH || (depth > 0 && isAttachment(part))) {
			return;
		}
		String type = baseType(part);
		if (type.startsWith("multipart/")) {
			Multipart multipart = multipart(part);
			if (multipart == null) {
				return;
			}
			try {
				for (int i = 0; i < multipart.getCount(); i++) {
					BodyPart child = multipart.getBodyPart(i);
					walk(child, bodies, depth + 1);
				}
			}
			catch (MessagingException ex) {
				// a broken part ends the walk; what was found so far is still the best reading
			}
		}
		else if (type.equals("text/plain") && bodies.plain == null) {
			bodies.plain = text(part);
		}
		else if (type.equals("text/html") && bodies.html == null) {
			bodies.html = text(part);
		}
	}

	private static boolean isAttachment(Part part) {
		try {
			if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
				return true;
			}
			return part.getFileName() != null && !Part.INLINE.equalsIgnoreCase(part.getDisposition());
		}
		catch (MessagingException ex) {
			return false;
		}
	}

	private static String baseType(Part part) {
		String contentType = contentType(part);
		try {
			return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
		}
		catch (ParseException ex) {
			int semicolon = contentType.indexOf(';');
			return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip().toLowerCase(Locale.ROOT);
		}
	}

	private static String contentType(Part part) {
		try {
			String contentType = part.getContentType();
			return contentType != null ? MimeUtility.unfold(contentType) : "text/plain";
		}
		catch (MessagingException ex) {
			return "text/plain";
		}
	}

	private static String charset(Part part) {
		String contentType = contentType(part);
		try {
			String charset = new ContentType(contentType).getParameter("charset");
			if (charset != null) {
				return charset;
			}
		}
		catch (ParseException ex) {
			// fall back to a plain search for the parameter
		}
		Matcher charset = CHARSET.matcher(contentType);
		return charset.find() ? charset.group(1) : null;
	}

	private static Multipart multipart(Part part) {
		try {
			Object content = part.getContent();
			return content instanceof Multipart multipart ? multipart : null;
		}
		catch (MessagingException | IOException ex) {
			return null;
		}
	}

	/** Decodes the transfer encoding with Jakarta Mail but the charset ourselves, where aliases are known. */
	private static String text(Part part) {
		return MailCharsets.decode(bytes(part), charset(part));
	}

	private static byte[] bytes(Part part) {
		try (InputStream in = part.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException | MessagingException ex) {
			// bad base64 or an unknown transfer encoding: decode leniently from the raw bytes instead
			return rawBytes(part);
		}
	}

	private static byte[] rawBytes(Part part) {
		try {
			InputStream raw;
			String encoding;
			if (part instanceof MimeBodyPart body) {
				raw = body.getRawInputStream();
				encoding = body.getEncoding();
			}
			else if (part instanceof MimeMessage message) {
				raw = message.getRawInputStream();
				encoding = message.getEncoding();
			}
			else {
				return new byte[0];
			}
			try (raw) {
				byte[] bytes = raw.readAllBytes();
				return "base64".equalsIgnoreCase(encoding)
						? MailCharsets.base64(new String(bytes, StandardCharsets.ISO_8859_1)) : bytes;
			}
		}
		catch (IOException | MessagingException ex) {
			return new byte[0];
		}
	}

	private static String normalize(String text) {
		String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
		if (normalized.startsWith("\uFEFF")) {
			normalized = normalized.substring(1);
		}
		return normalized.strip();
	}

	private static String nonNull(String value) {
		return value != null ? value : "";
	}

	private static Properties parsingProperties() {
		Properties properties = new Properties();
		properties.setProperty("mail.mime.allowutf8", "false");
		properties.setProperty("mail.mime.address.strict", "false");
		properties.setProperty("mail.mime.parameters.strict", "false");
		properties.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
		properties.setProperty("mail.mime.multipart.allowempty", "true");
		return properties;
	}

	private static final class Bodies {

		private String plain;

		private String html;

	}

}
