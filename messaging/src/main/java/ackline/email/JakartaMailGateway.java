package ackline.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.notice.MailGateway;
import ackline.notice.MailSendException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends notice emails over SMTP with Jakarta Mail, keeping our Message-ID (replies are matched on it) and the
 * exact bytes handed to the server (they are the evidence of what the client was sent).
 */
class JakartaMailGateway implements MailGateway {

	private static final Logger logger = LoggerFactory.getLogger(JakartaMailGateway.class);

	private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([245]\\d\\d)\\b");

	private final JavaMailSender sender;

	private final Session session;

	private final Clock clock;

	JakartaMailGateway(JavaMailSender sender) {
		this(sender, Clock.systemUTC());
	}

	JakartaMailGateway(JavaMailSender sender, Clock clock) {
		this.sender = sender;
		// the sender's own session when we can reach it, so mail.mime.* settings apply to the bytes we keep
		this.session = sender instanceof JavaMailSenderImpl impl ? impl.getSession()
				: Session.getInstance(new Properties());
		this.clock = clock;
	}

	@Override
	public SentMail send(OutgoingMail mail) {
		Objects.requireNonNull(mail, "mail");
		if (mail.messageId() == null || !mail.messageId().matches("<[^<>\\s]+@[^<>\\s]+>")) {
			throw new IllegalArgumentException("messageId must look like <local@domain>: " + mail.messageId());
		}
		MimeMessage message;
		byte[] raw;
		try {
			message = build(mail);
			message.saveChanges();
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			message.writeTo(bytes);
			raw = bytes.toByteArray();
		}
		catch (AddressException ex) {
			// no cause: its message is the client's address in full (R-SV-4)
			throw new MailSendException("Invalid address in notice mail " + mail.messageId() + ": "
					+ MailText.maskAddresses(ex.getMessage()), null, false, null);
		}
		catch (MessagingException | IOException ex) {
			throw new MailSendException("Could not build notice mail " + mail.messageId() + ": " + ex.getMessage(),
					null, false, ex);
		}
		try {
			sender.send(message);
		}
		catch (org.springframework.mail.MailSendException ex) {
			if (ex.getFailedMessages().isEmpty()) {
				// Spring reports a failed QUIT after a successful send this way: the server has the message,
				// and sending it again would deliver a second notice
				logger.warn("Mail {} was accepted, but closing the SMTP connection failed: {}", mail.messageId(),
						ex.getMessage());
				return new SentMail(mail.messageId(), raw);
			}
			throw translate(mail.messageId(), ex);
		}
		catch (MailException ex) {
			throw translate(mail.messageId(), ex);
		}
		return new SentMail(mail.messageId(), raw);
	}

	private MimeMessage build(OutgoingMail mail) throws MessagingException {
		MimeMessage message = new OwnIdMimeMessage(session, mail.messageId());
		message.setFrom(address(mail.from()));
		message.setRecipient(Message.RecipientType.TO, address(mail.to()));
		message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
		message.setSentDate(Date.from(clock.instant()));
		if (mail.htmlBody() == null) {
			message.setText(mail.textBody(), StandardCharsets.UTF_8.name(), "plain");
		}
		else {
			MimeBodyPart text = new MimeBodyPart();
			text.setText(mail.textBody(), StandardCharsets.UTF_8.name(), "plain");
			MimeBodyPart html = new MimeBodyPart();
			html.setText(mail.htmlBody(), StandardCharsets.UTF_8.name(), "html");
			// least preferred first (RFC 2046): clients that render HTML take the last part
			MimeMultipart alternative = new MimeMultipart("alternative");
			alternative.addBodyPart(text);
			alternative.addBodyPart(html);
			message.setContent(alternative);
		}
		return message;
	}

	private static InternetAddress address(String value) throws AddressException {
		if (value == null || value.isBlank()) {
			throw new AddressException("address is empty");
		}
		InternetAddress address = new InternetAddress(value, true);
		String personal = address.getPersonal();
		if (personal != null) {
			try {
				// encode a Chinese display name as UTF-8 whatever the platform's default charset is
				address.setPersonal(personal, StandardCharsets.UTF_8.name());
			}
			catch (UnsupportedEncodingException ex) {
				throw new IllegalStateException("UTF-8 is always supported", ex);
			}
		}
		return address;
	}

	/**
	 * SMTP 4xx replies, failed connections and time-outs may pass; 5xx replies and bad addresses will not. The
	 * reply code is kept when the server gave one.
	 */
	static MailSendException translate(String messageId, MailException ex) {
		List<Throwable> causes = causes(ex);
		String code = null;
		Throwable reply = null;
		for (Throwable cause : causes) {
			code = replyCode(cause);
			if (code != null) {
				reply = cause;
				break;
			}
		}
		boolean retryable;
		if (code != null) {
			retryable = code.startsWith("4");
		}
		else if (ex instanceof MailAuthenticationException) {
			retryable = false;
		}
		else if (causes.stream().anyMatch(JakartaMailGateway::isNetworkFailure)) {
			retryable = true;
		}
		else {
			// no reply code and no network failure: a refusal we cannot classify, such as invalid addresses
			retryable = causes.stream().noneMatch(SendFailedException.class::isInstance);
		}
		// the server's own words when it answered, else the innermost explanation we have
		String reason = (reply != null && reply.getMessage() != null) ? reply.getMessage()
				: causes.stream()
					.filter((cause) -> cause != ex && cause.getMessage() != null)
					.map(Throwable::getMessage)
					.reduce((outer, inner) -> inner)
					.orElse(ex.getMessage());
		// servers quote the recipient in refusals; then the vendor exceptions are left out so that logging
		// ours never prints a client's address in full (R-SV-4)
		boolean namesAnAddress = causes.stream()
			.map(Throwable::getMessage)
			.anyMatch((text) -> text != null && !text.equals(MailText.maskAddresses(text)));
		return new MailSendException(
				"SMTP refused or failed notice mail " + messageId + (code != null ? " with " + code : "") + ": "
						+ MailText.maskAddresses(reason.strip()),
				code, retryable, namesAnAddress ? null : ex);
	}

	private static String replyCode(Throwable cause) {
		int code = -1;
		if (cause instanceof SMTPAddressFailedException address) {
			code = address.getReturnCode();
		}
		else if (cause instanceof SMTPSenderFailedException sender) {
			code = sender.getReturnCode();
		}
		else if (cause instanceof SMTPSendFailedException send) {
			code = send.getReturnCode();
		}
		else if (cause instanceof AuthenticationFailedException && cause.getMessage() != null) {
			// Angus puts the server's reply text, code first, into the message
			Matcher reply = REPLY_CODE.matcher(cause.getMessage());
			return reply.find() ? reply.group(1) : null;
		}
		return code >= 400 && code < 600 ? String.valueOf(code) : null;
	}

	private static boolean isNetworkFailure(Throwable cause) {
		// ConnectException, UnknownHostException, SocketTimeoutException and a dropped connection are all I/O
		return cause instanceof MailConnectException || cause instanceof IOException;
	}

	/** The exception and everything behind it: causes, Jakarta Mail's next exceptions and Spring's per-message failures. */
	private static List<Throwable> causes(Throwable root) {
		List<Throwable> found = new ArrayList<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<Throwable> pending = new ArrayList<>();
		pending.add(root);
		while (!pending.isEmpty()) {
			Throwable current = pending.remove(0);
			if (current == null || !seen.add(current)) {
				continue;
			}
			found.add(current);
			pending.add(current.getCause());
			if (current instanceof MessagingException messaging) {
				pending.add(messaging.getNextException());
			}
			if (current instanceof org.springframework.mail.MailSendException spring) {
				for (Map.Entry<Object, Exception> failed : spring.getFailedMessages().entrySet()) {
					pending.add(failed.getValue());
				}
			}
		}
		return found;
	}

	/** Jakarta Mail replaces the Message-ID on every {@code saveChanges()}; ours must survive. */
	private static final class OwnIdMimeMessage extends MimeMessage {

		private final String messageId;

		OwnIdMimeMessage(Session session, String messageId) {
			super(session);
			this.messageId = messageId;
		}

		@Override
		protected void updateMessageID() throws MessagingException {
			setHeader("Message-ID", messageId);
		}

	}

}
