package ackline.email;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

import ackline.notice.MailGateway.OutgoingMail;
import ackline.notice.MailGateway.SentMail;
import ackline.notice.MailSendException;
import ackline.notice.ReceivedMail;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JakartaMailGatewayIntegrationTests {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

	private static final String SUBJECT = "追加担保品通知：请于今日15:00前处理";

	private static final String TEXT = "尊敬的客户：您的信用账户维持担保比例已低于130%，请回复“收到”确认。";

	@Test
	void sendsUtf8MailWithOurMessageIdAndReturnsTheBytesSent() throws Exception {
		JakartaMailGateway gateway = new JakartaMailGateway(sender(greenMail.getSmtp().getPort()));

		SentMail sent = gateway.send(new OutgoingMail("<notice-1@ackline.local>", "Ackline 通知 <notices@ackline.local>",
				"client@example.com", SUBJECT, TEXT, null));

		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(1);
		MimeMessage message = received[0];
		assertThat(message.getMessageID()).isEqualTo("<notice-1@ackline.local>");
		assertThat(message.getSubject()).isEqualTo(SUBJECT);
		assertThat(((InternetAddress) message.getFrom()[0]).getPersonal()).isEqualTo("Ackline 通知");
		assertThat(message.getContentType().toLowerCase(Locale.ROOT)).contains("text/plain").contains("utf-8");
		assertThat(((String) message.getContent()).strip()).isEqualTo(TEXT);
		assertThat(message.getSentDate()).isNotNull();

		assertThat(sent.messageId()).isEqualTo("<notice-1@ackline.local>");
		ReceivedMail reread = MailText.read(sent.raw(), null);
		assertThat(reread.messageId()).isEqualTo("<notice-1@ackline.local>");
		assertThat(reread.subject()).isEqualTo(SUBJECT);
		assertThat(reread.text()).isEqualTo(TEXT);
		assertThat(reread.receivedAt()).isEqualTo(message.getSentDate().toInstant());
		// what the server stored is what we kept: the same headers (after any trace headers it added), the same body
		ByteArrayOutputStream stored = new ByteArrayOutputStream();
		message.writeTo(stored);
		assertThat(stored.toString(StandardCharsets.ISO_8859_1)).endsWith(new String(sent.raw(), StandardCharsets.ISO_8859_1));
	}

	@Test
	void sendsAnHtmlAlternativeWhenGiven() throws Exception {
		JakartaMailGateway gateway = new JakartaMailGateway(sender(greenMail.getSmtp().getPort()));

		gateway.send(new OutgoingMail("<notice-2@ackline.local>", "notices@ackline.local", "client@example.com", SUBJECT,
				TEXT, "<p>" + TEXT + "</p>"));

		MimeMessage message = greenMail.getReceivedMessages()[0];
		assertThat(message.getMessageID()).isEqualTo("<notice-2@ackline.local>");
		Multipart alternative = (Multipart) message.getContent();
		assertThat(alternative.getContentType()).startsWith("multipart/alternative");
		assertThat(alternative.getCount()).isEqualTo(2);
		assertThat(alternative.getBodyPart(0).isMimeType("text/plain")).isTrue();
		assertThat(((String) alternative.getBodyPart(0).getContent()).strip()).isEqualTo(TEXT);
		assertThat(alternative.getBodyPart(1).isMimeType("text/html")).isTrue();
		assertThat((String) alternative.getBodyPart(1).getContent()).contains(TEXT);
	}

	@Test
	void malformedAddressIsNotRetryableAndNotSpelledOut() {
		JakartaMailGateway gateway = new JakartaMailGateway(sender(greenMail.getSmtp().getPort()));

		MailSendException ex = catchThrowableOfType(MailSendException.class,
				() -> gateway.send(new OutgoingMail("<notice-3@ackline.local>", "notices@ackline.local",
						"zhang san@example.com", SUBJECT, TEXT, null)));

		assertThat(ex).isNotNull();
		assertThat(ex.retryable()).isFalse();
		assertThat(ex.getMessage()).doesNotContain("san@example.com");
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void connectionFailureIsRetryable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		JakartaMailGateway gateway = new JakartaMailGateway(sender(closedPort));

		MailSendException ex = catchThrowableOfType(MailSendException.class, () -> gateway.send(notice()));

		assertThat(ex).isNotNull();
		assertThat(ex.retryable()).isTrue();
		assertThat(ex.code()).isNull();
	}

	@Test
	void mailboxUnavailableIsNotRetryableAndKeepsTheCode() {
		try (ScriptedSmtpServer server = new ScriptedSmtpServer("550 5.1.1 <client@example.com>: Mailbox unavailable",
				"250 OK")) {
			MailSendException ex = catchThrowableOfType(MailSendException.class,
					() -> new JakartaMailGateway(sender(server.port())).send(notice()));

			assertThat(ex).isNotNull();
			assertThat(ex.retryable()).isFalse();
			assertThat(ex.code()).isEqualTo("550");
			assertThat(ex.getMessage()).contains("<c***@example.com>: Mailbox unavailable")
				.doesNotContain("client@example.com");
			assertThat(ex.getCause()).isNull();
		}
	}

	@Test
	void temporaryRecipientFailureIsRetryableAndKeepsTheCode() {
		try (ScriptedSmtpServer server = new ScriptedSmtpServer("451 4.3.0 Try again later", "250 OK")) {
			MailSendException ex = catchThrowableOfType(MailSendException.class,
					() -> new JakartaMailGateway(sender(server.port())).send(notice()));

			assertThat(ex).isNotNull();
			assertThat(ex.retryable()).isTrue();
			assertThat(ex.code()).isEqualTo("451");
		}
	}

	@Test
	void messageRejectedAfterDataIsNotRetryable() {
		try (ScriptedSmtpServer server = new ScriptedSmtpServer("250 OK", "554 5.7.1 Rejected as spam")) {
			MailSendException ex = catchThrowableOfType(MailSendException.class,
					() -> new JakartaMailGateway(sender(server.port())).send(notice()));

			assertThat(ex).isNotNull();
			assertThat(ex.retryable()).isFalse();
			assertThat(ex.code()).isEqualTo("554");
		}
	}

	@Test
	void greylistingAfterDataIsRetryable() {
		try (ScriptedSmtpServer server = new ScriptedSmtpServer("250 OK", "421 4.7.0 Greylisted, try later")) {
			MailSendException ex = catchThrowableOfType(MailSendException.class,
					() -> new JakartaMailGateway(sender(server.port())).send(notice()));

			assertThat(ex).isNotNull();
			assertThat(ex.retryable()).isTrue();
			assertThat(ex.code()).isEqualTo("421");
		}
	}

	private static OutgoingMail notice() {
		return new OutgoingMail("<notice-9@ackline.local>", "notices@ackline.local", "client@example.com", SUBJECT,
				TEXT, null);
	}

	private static JavaMailSenderImpl sender(int port) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		sender.setDefaultEncoding("UTF-8");
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.connectiontimeout", "5000");
		properties.setProperty("mail.smtp.timeout", "5000");
		sender.setJavaMailProperties(properties);
		return sender;
	}

	/** A one-connection-at-a-time SMTP peer that answers RCPT TO and the end of DATA as told. */
	static final class ScriptedSmtpServer implements AutoCloseable {

		private final ServerSocket socket;

		private final String rcptReply;

		private final String dataReply;

		private final Thread thread;

		ScriptedSmtpServer(String rcptReply, String dataReply) {
			this.rcptReply = rcptReply;
			this.dataReply = dataReply;
			try {
				this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.thread = new Thread(this::serve, "scripted-smtp");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try (Socket client = this.socket.accept()) {
					converse(client);
				}
				catch (IOException ex) {
					// closed by the test, or the client hung up
				}
			}
		}

		private void converse(Socket client) throws IOException {
			BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
			OutputStream out = client.getOutputStream();
			reply(out, "220 scripted ESMTP");
			String line;
			while ((line = in.readLine()) != null) {
				String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
				switch (command) {
					case "EHLO", "HELO" -> reply(out, "250 scripted");
					case "MAIL", "RSET", "NOOP" -> reply(out, "250 OK");
					case "RCPT" -> reply(out, this.rcptReply);
					case "DATA" -> {
						reply(out, "354 End data with <CR><LF>.<CR><LF>");
						String data;
						while ((data = in.readLine()) != null && !data.equals(".")) {
							// the message itself is not needed
						}
						reply(out, this.dataReply);
					}
					case "QUIT" -> {
						reply(out, "221 Bye");
						return;
					}
					default -> reply(out, "502 Command not implemented");
				}
			}
		}

		private static void reply(OutputStream out, String line) throws IOException {
			out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
		}

		@Override
		public void close() {
			try {
				this.socket.close();
				this.thread.join(5000);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
