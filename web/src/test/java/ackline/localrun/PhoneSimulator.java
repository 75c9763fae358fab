package ackline.localrun;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.pbx.SimulatedPbx;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.springframework.core.env.Environment;

/**
 * What the client-phone simulator page shows and does: each client's SMS (from the Twilio simulator), email (from
 * GreenMail) and calls (from the simulated PBX), and what the client does about them: replies sent the way a phone
 * and a mail program would send them; calls answered, rejected, hung up, and keys pressed.
 */
final class PhoneSimulator {

	static final String SMS_WEBHOOK_PATH = "/webhooks/twilio/sms";

	private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{6,14}$");

	private static final Pattern ACK_LINK = Pattern.compile("https?://[^\\s\"'<>]+?/ack/[A-Za-z0-9._~%\\-]+");

	private static final ZoneId CLIENT_ZONE = ZoneId.of("Asia/Shanghai");

	private static final Pattern DTMF = Pattern.compile("^[0-9*#]{1,32}$");

	/** Ended calls shown per number: the page lists the last few under the phone. */
	private static final int ENDED_SHOWN = 10;

	private final LocalStack stack;

	private final Environment environment;

	PhoneSimulator(LocalStack stack, Environment environment) {
		this.stack = stack;
		this.environment = environment;
	}

	// ---------------------------------------------------------------- addresses

	Info info() {
		return new Info(appUrl(), publicBaseUrl(), fromNumber(), noticesAddress(), this.stack.twilio().baseUrl(),
				this.stack.smtpPort(), this.stack.imapPort(), this.stack.amiPort(),
				this.stack.pbx().settings().managerUser());
	}

	private String appUrl() {
		return "http://localhost:" + this.environment.getProperty("local.server.port",
				this.environment.getProperty("server.port", "8080"));
	}

	private String publicBaseUrl() {
		String base = this.environment.getProperty("ackline.public-base-url", appUrl());
		return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
	}

	private String fromNumber() {
		return this.environment.getProperty("ackline.twilio.from-number", this.stack.twilioFromNumber());
	}

	private String noticesAddress() {
		return this.environment.getProperty("ackline.mail.from", LocalStack.NOTICES_ADDRESS);
	}

	// ---------------------------------------------------------------- clients

	/**
	 * Every phone number and mailbox that has received or sent something, most recent first; a number that was
	 * only called is listed with the phones, and a phone that rings or talks says so.
	 */
	List<ClientView> clients() {
		Map<String, ClientView> clients = new LinkedHashMap<>();
		String ours = fromNumber();
		for (TwilioSimulator.SimulatedMessage sms : this.stack.twilio().messages()) {
			String client = sms.outbound() ? sms.to() : sms.from();
			if (!client.equals(ours)) {
				clients.merge("sms:" + client, new ClientView("sms", client, 1, sms.body(), sms.dateCreated(), null),
						ClientView::plus);
			}
		}
		// oldest first, so the newest call decides what the list says
		List<SimulatedPbx.PhoneCall> calls = new ArrayList<>(this.stack.pbx().calls());
		Collections.reverse(calls);
		for (SimulatedPbx.PhoneCall call : calls) {
			String number = clients.values()
				.stream()
				.filter(c -> "sms".equals(c.kind()) && sameNumber(c.address(), call.number()))
				.map(ClientView::address)
				.findFirst()
				.orElse(displayNumber(call.number()));
			String state = (call.state() == SimulatedPbx.PhoneCall.State.ENDED) ? null : call.state().name();
			clients.merge("sms:" + number, new ClientView("sms", number, 0, null, call.since(), state),
					ClientView::plusCall);
		}
		for (MailView mail : allMail()) {
			for (String address : mail.participants()) {
				if (!address.equalsIgnoreCase(noticesAddress())) {
					clients.merge("email:" + address,
							new ClientView("email", address, 1, mail.subject(), mail.date(), null), ClientView::plus);
				}
			}
		}
		return clients.values()
			.stream()
			.sorted(Comparator.comparing(ClientView::lastAt, Comparator.nullsLast(Comparator.reverseOrder())))
			.toList();
	}

	// ---------------------------------------------------------------- calls

	/** Calls at every client phone, ringing, up, or ended recently; newest first. */
	List<CallView> calls() {
		return this.stack.pbx().calls().stream().map(PhoneSimulator::view).toList();
	}

	/** Whether client phones answer by themselves (after about 2 s) or ring until the person acts on the page. */
	Answering answering() {
		return new Answering(this.stack.answersByHand(), this.stack.pbx().settings().clientAnswerDelay().toMillis());
	}

	Answering answering(boolean byHand) {
		this.stack.answerByHand(byHand);
		return answering();
	}

	/** The calls at one number: any ringing or up, and the last few ended ones; newest first. */
	List<CallView> calls(String number) {
		requireNumber(number);
		List<CallView> calls = new ArrayList<>();
		int ended = 0;
		for (SimulatedPbx.PhoneCall call : this.stack.pbx().calls()) {
			if (!sameNumber(call.number(), number)) {
				continue;
			}
			if (call.state() == SimulatedPbx.PhoneCall.State.ENDED && ++ended > ENDED_SHOWN) {
				continue;
			}
			calls.add(view(call));
		}
		return calls;
	}

	/** The client picks up the ringing phone. */
	CallAction answer(String number) {
		requireNumber(number);
		if (!this.stack.pbx().answer(number)) {
			throw new NoSuchCallException("No call is ringing at " + number + " (answer only a ringing phone)");
		}
		return new CallAction(number, "answer", null);
	}

	/** The client declines the ringing phone (SIP 603, hang-up cause 21). */
	CallAction reject(String number) {
		requireNumber(number);
		if (!this.stack.pbx().reject(number)) {
			throw new NoSuchCallException("No call is ringing at " + number + " (reject only a ringing phone)");
		}
		return new CallAction(number, "reject", null);
	}

	/** The client hangs up the call that is up, or declines the one that rings. */
	CallAction hangup(String number) {
		requireNumber(number);
		if (!this.stack.pbx().hangup(number)) {
			throw new NoSuchCallException("No call is ringing or up at " + number);
		}
		return new CallAction(number, "hangup", null);
	}

	/** The client presses keys on the call that is up: DTMF, and the digits an IVR prompt waiting for a key reads. */
	CallAction press(String number, String digits) {
		requireNumber(number);
		if (digits == null || !DTMF.matcher(digits).matches()) {
			throw new IllegalArgumentException("digits must be 1 to 32 of the phone's keys 0-9, * and #, not '"
					+ digits + "'");
		}
		if (!this.stack.pbx().press(number, digits)) {
			throw new NoSuchCallException("No call is up at " + number + " (answer it before pressing keys)");
		}
		return new CallAction(number, "keys", digits);
	}

	private static CallView view(SimulatedPbx.PhoneCall call) {
		return new CallView(call.callId(), displayNumber(call.number()), call.state().name(), call.since(),
				call.kind().name(), call.digits());
	}

	private static void requireNumber(String number) {
		if (number == null || digits(number).length() < 6) {
			throw new IllegalArgumentException("The client number must have at least 6 digits: " + number);
		}
	}

	/** As the phone list names numbers: the PBX dials E.164 without its '+'. */
	static String displayNumber(String dialled) {
		String digits = digits(dialled);
		return digits.isEmpty() ? dialled : "+" + digits;
	}

	/**
	 * One number written two ways ({@code +8613900139001}, {@code 8613900139001}, {@code 13900139001}): the same
	 * digits, or digits that differ only by a leading country code, as the simulated PBX matches them.
	 */
	static boolean sameNumber(String a, String b) {
		String x = digits(a);
		String y = digits(b);
		if (x.isEmpty() || y.isEmpty()) {
			return false;
		}
		String longer = (x.length() >= y.length()) ? x : y;
		String shorter = (longer == x) ? y : x;
		return longer.equals(shorter)
				|| (shorter.length() >= 6 && longer.length() - shorter.length() <= 3 && longer.endsWith(shorter));
	}

	private static String digits(String number) {
		return (number == null) ? "" : number.replaceAll("\\D", "");
	}

	// ---------------------------------------------------------------- SMS

	List<SmsView> sms(String number) {
		return this.stack.twilio()
			.conversation(number)
			.stream()
			.map(m -> new SmsView(m.sid(), m.outbound() ? "received" : "sent", m.from(), m.to(), m.body(),
					m.status(), m.errorCode(), m.dateCreated(), links(m.body())))
			.toList();
	}

	/**
	 * Sends the client's SMS reply as Twilio would: a signed inbound webhook to the app. It is posted to the app's
	 * real port and signed over the public base URL, which is what the app checks the signature against.
	 */
	SmsReplyResult replySms(String number, String body) {
		if (!E164.matcher(number).matches()) {
			throw new IllegalArgumentException("The client number must be E.164 (+ and digits): " + number);
		}
		if (body == null || body.isEmpty()) {
			throw new IllegalArgumentException("The SMS reply needs a body");
		}
		String postedTo = appUrl() + SMS_WEBHOOK_PATH;
		String signedUrl = publicBaseUrl() + SMS_WEBHOOK_PATH;
		TwilioSimulator.WebhookResponse response = this.stack.twilio()
			.deliverInboundSms(postedTo, signedUrl, number, fromNumber(), body);
		return new SmsReplyResult(response.messageSid(), response.status(), response.contentType(), response.body(),
				postedTo, signedUrl);
	}

	// ---------------------------------------------------------------- email

	/** The mailbox of {@code address}: mail it received and replies it sent, oldest first. */
	List<MailView> mail(String address) {
		return allMail().stream().filter(m -> m.participants().contains(address.toLowerCase(Locale.ROOT))).map(m -> {
			boolean sent = m.from().equalsIgnoreCase(address);
			return new MailView(m.messageId(), sent ? "sent" : "received", m.from(), m.fromName(), m.to(),
					m.subject(), m.text(), m.date(), m.inReplyTo(), m.links());
		}).toList();
	}

	/**
	 * Replies from the client's address as a mail program does: to the notice's Reply-To (or From), subject
	 * {@code Re: ...}, In-Reply-To and References set to the notice's Message-ID, and the notice quoted below the
	 * reply in the given style, so the app's quote stripping has real work to do.
	 */
	MailReplyResult replyMail(String address, String inReplyTo, String body, QuoteStyle style) {
		if (body == null || body.isEmpty()) {
			throw new IllegalArgumentException("The email reply needs a body");
		}
		if (inReplyTo == null || inReplyTo.isBlank()) {
			throw new IllegalArgumentException("The email reply needs inReplyTo: the Message-ID of the email it answers");
		}
		MimeMessage original = received().stream()
			.filter(m -> inReplyTo.equals(header(m, "Message-ID")))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No email with Message-ID " + inReplyTo));
		try {
			Properties properties = new Properties();
			properties.put("mail.smtp.host", "localhost");
			properties.put("mail.smtp.port", Integer.toString(this.stack.smtpPort()));
			Session session = Session.getInstance(properties);
			String domain = address.substring(address.indexOf('@') + 1);
			String messageId = "<reply-" + UUID.randomUUID() + "@" + domain + ">";
			MimeMessage reply = new MimeMessage(session) {
				@Override
				protected void updateMessageID() throws MessagingException {
					setHeader("Message-ID", messageId);
				}
			};
			reply.setFrom(new InternetAddress(address));
			reply.setRecipients(Message.RecipientType.TO, original.getReplyTo());
			String subject = (original.getSubject() != null) ? original.getSubject() : "";
			reply.setSubject(subject.matches("(?i)^(re|回复|答复)[:：].*") ? subject : "Re: " + subject, "UTF-8");
			reply.setHeader("In-Reply-To", inReplyTo);
			String references = original.getHeader("References", " ");
			reply.setHeader("References", ((references != null) ? references + " " : "") + inReplyTo);
			reply.setSentDate(new Date());
			reply.setText(body + style.quote(decode(original)), "UTF-8");
			Transport.send(reply);
			return new MailReplyResult(messageId, reply.getSubject(),
					Arrays.stream(original.getReplyTo()).map(a -> ((InternetAddress) a).toUnicodeString()).toList());
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("Sending the email reply over SMTP failed: " + ex.getMessage(), ex);
		}
	}

	private List<MimeMessage> received() {
		return Arrays.asList(this.stack.greenMail().getReceivedMessages());
	}

	private List<MailView> allMail() {
		List<MailView> all = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (MimeMessage message : received()) {
			MailView view = decode(message);
			// GreenMail keeps one copy per recipient mailbox
			if (seen.add(view.messageId())) {
				all.add(view);
			}
		}
		all.sort(Comparator.comparing(MailView::date, Comparator.nullsFirst(Comparator.naturalOrder())));
		return all;
	}

	static MailView decode(MimeMessage message) {
		try {
			InternetAddress sender = (message.getFrom() != null && message.getFrom().length > 0)
					? (InternetAddress) message.getFrom()[0] : null;
			String from = (sender != null) ? sender.getAddress().toLowerCase(Locale.ROOT) : "";
			String fromName = (sender != null) ? sender.getPersonal() : null;
			List<String> to = new ArrayList<>();
			Address[] recipients = message.getAllRecipients();
			if (recipients != null) {
				for (Address recipient : recipients) {
					to.add(((InternetAddress) recipient).getAddress().toLowerCase(Locale.ROOT));
				}
			}
			StringBuilder html = new StringBuilder();
			String text = text(message, html);
			Set<String> links = new LinkedHashSet<>(links(text));
			links.addAll(links(html.toString()));
			Instant date = (message.getSentDate() != null) ? message.getSentDate().toInstant() : null;
			return new MailView(header(message, "Message-ID"), "received", from, fromName, to, message.getSubject(),
					text, date, header(message, "In-Reply-To"), List.copyOf(links));
		}
		catch (MessagingException | IOException ex) {
			return new MailView(header(message, "Message-ID"), "received", "", null, List.of(), "(unreadable)",
					ex.toString(), null, null, List.of());
		}
	}

	private static String text(Part part, StringBuilder html) throws MessagingException, IOException {
		if (part.isMimeType("text/plain")) {
			return String.valueOf(part.getContent());
		}
		if (part.isMimeType("text/html")) {
			String content = String.valueOf(part.getContent());
			html.append(content);
			return htmlToText(content);
		}
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			String plain = null;
			StringBuilder other = new StringBuilder();
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart child = multipart.getBodyPart(i);
				if (Part.ATTACHMENT.equalsIgnoreCase(child.getDisposition())) {
					continue;
				}
				String childText = text(child, html);
				if (child.isMimeType("text/plain") && plain == null) {
					plain = childText;
				}
				else if (!childText.isEmpty()) {
					other.append(childText);
				}
			}
			// multipart/alternative carries the same text twice; the plain one is the one a client reads
			return (plain != null && part.isMimeType("multipart/alternative")) ? plain
					: ((plain != null) ? plain : "") + other;
		}
		return "";
	}

	private static String htmlToText(String html) {
		return html.replaceAll("(?i)<br\\s*/?>|</p>|</div>|</tr>", "\n")
			.replaceAll("<[^>]+>", "")
			.replace("&nbsp;", " ")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&quot;", "\"")
			.replace("&amp;", "&")
			.replaceAll("\n{3,}", "\n\n")
			.strip();
	}

	private static String header(MimeMessage message, String name) {
		try {
			return message.getHeader(name, null);
		}
		catch (MessagingException ex) {
			return null;
		}
	}

	static List<String> links(String text) {
		if (text == null) {
			return List.of();
		}
		Set<String> links = new LinkedHashSet<>();
		Matcher matcher = ACK_LINK.matcher(text);
		while (matcher.find()) {
			links.add(matcher.group());
		}
		return List.copyOf(links);
	}

	// ---------------------------------------------------------------- views

	/** Where things are, for the page's header. */
	record Info(String appUrl, String publicBaseUrl, String fromNumber, String noticesAddress, String twilioUrl,
			int smtpPort, int imapPort, int amiPort, String amiUser) {
	}

	/**
	 * A phone number ({@code sms}) or mailbox ({@code email}) the page lists on the left.
	 * @param count the SMS or emails
	 * @param last the newest message's text or subject, null for a number that was only called
	 * @param lastAt when the newest message or call happened
	 * @param call {@code RINGING} or {@code UP} while the phone rings or talks, else null
	 */
	record ClientView(String kind, String address, int count, String last, Instant lastAt, String call) {

		ClientView plus(ClientView later) {
			boolean newer = this.lastAt == null
					|| (later.lastAt != null && !later.lastAt.isBefore(this.lastAt));
			return new ClientView(this.kind, this.address, this.count + later.count,
					newer ? later.last : this.last, newer ? later.lastAt : this.lastAt, this.call);
		}

		/** The same phone with one more call; calls come oldest first, so the last one ringing or up is shown. */
		ClientView plusCall(ClientView call) {
			boolean newer = this.lastAt == null || (call.lastAt != null && call.lastAt.isAfter(this.lastAt));
			return new ClientView(this.kind, this.address, this.count, this.last, newer ? call.lastAt : this.lastAt,
					(call.call != null) ? call.call : this.call);
		}

	}

	/**
	 * A call at a client's phone.
	 * @param callId Ackline's call id, null when whoever originated it set none
	 * @param number the client's number (E.164)
	 * @param state {@code RINGING}, {@code UP} or {@code ENDED}
	 * @param since when it entered that state
	 * @param kind {@code AGENT} (an agent's call-back) or {@code IVR} (an automated notice call)
	 * @param digits the keys the client pressed so far
	 */
	record CallView(UUID callId, String number, String state, Instant since, String kind, String digits) {
	}

	/**
	 * How client phones with no script of their own take calls.
	 * @param byHand true: they ring until answered or rejected on the page (or the caller gives up)
	 * @param autoAnswerAfterMillis otherwise they answer by themselves after this long
	 */
	record Answering(boolean byHand, long autoAnswerAfterMillis) {
	}

	/** What the client did to a call; the PBX carries it out at once, the calls show the result. */
	record CallAction(String number, String action, String digits) {
	}

	/** No call at that number is in the state the action needs (409 for the page). */
	static final class NoSuchCallException extends RuntimeException {

		NoSuchCallException(String message) {
			super(message);
		}

	}

	/** One SMS as the client's phone shows it: {@code received} from Ackline, or {@code sent} by the client. */
	record SmsView(String sid, String direction, String from, String to, String body, String status,
			Integer errorCode, Instant at, List<String> links) {
	}

	/** One email as the client's mail program shows it. */
	record MailView(String messageId, String direction, String from, String fromName, List<String> to,
			String subject, String text, Instant date, String inReplyTo, List<String> links) {

		/** {@code Name <address>}, or the bare address when the sender gave no name. */
		String sender() {
			return (this.fromName != null && !this.fromName.isBlank()) ? this.fromName + " <" + this.from + ">"
					: this.from;
		}

		Set<String> participants() {
			Set<String> all = new LinkedHashSet<>(this.to);
			if (!this.from.isEmpty()) {
				all.add(this.from);
			}
			return all;
		}

	}

	/** What the app answered to the SMS webhook, and where it was posted and signed. */
	record SmsReplyResult(String messageSid, int status, String contentType, String body, String postedTo,
			String signedUrl) {
	}

	/** The reply email as sent. */
	record MailReplyResult(String messageId, String subject, List<String> to) {
	}

	/** How the client's mail program quotes the notice below the reply. */
	enum QuoteStyle {

		/** Gmail in Chinese: "在 …，… 写道：" and lines prefixed with "> ". */
		GMAIL_ZH,

		/** Gmail in English: "On …, … wrote:" and lines prefixed with "> ". */
		GMAIL_EN,

		/** Outlook in Chinese: a rule, a 发件人/发送时间/收件人/主题 block, the original unprefixed. */
		OUTLOOK_ZH,

		/** QQ Mail: "------------------ 原始邮件 ------------------" and a header block, the original unprefixed. */
		QQ,

		/** No quote at all (a client that deletes it). */
		NONE;

		// these strings are what the mail programs themselves write, reproduced as data, not UI text of ours
		String quote(MailView original) {
			Instant at = (original.date() != null) ? original.date() : Instant.now();
			String text = (original.text() != null) ? original.text().strip() : "";
			String to = String.join(", ", original.to());
			return switch (this) {
				case GMAIL_ZH -> "\n\n在 " + DateTimeFormatter.ofPattern("yyyy年M月d日EEE HH:mm", Locale.CHINA)
					.withZone(CLIENT_ZONE)
					.format(at) + "，" + original.sender() + " 写道：\n" + prefixed(text);
				case GMAIL_EN -> "\n\nOn " + DateTimeFormatter.ofPattern("EEE, MMM d, yyyy 'at' h:mm a", Locale.US)
					.withZone(CLIENT_ZONE)
					.format(at) + " " + original.sender() + " wrote:\n" + prefixed(text);
				case OUTLOOK_ZH -> "\n\n________________________________\n发件人: " + original.sender() + "\n发送时间: "
						+ DateTimeFormatter.ofPattern("yyyy年M月d日 H:mm", Locale.CHINA).withZone(CLIENT_ZONE).format(at)
						+ "\n收件人: " + to + "\n主题: " + original.subject() + "\n\n" + text;
				case QQ -> "\n\n\n------------------ 原始邮件 ------------------\n发件人: \""
						+ ((original.fromName() != null) ? original.fromName() : original.from()) + "\"<"
						+ original.from() + ">;\n发送时间: "
						+ DateTimeFormatter.ofPattern("yyyy年M月d日(EEEE) ah:mm", Locale.CHINA)
							.withZone(CLIENT_ZONE)
							.format(at)
						+ "\n收件人: " + to + ";\n主题: " + original.subject() + "\n\n" + text;
				case NONE -> "";
			};
		}

		private static String prefixed(String text) {
			return Arrays.stream(text.split("\r?\n", -1)).map(line -> "> " + line).reduce((a, b) -> a + "\n" + b)
				.orElse("> ");
		}

	}

}
