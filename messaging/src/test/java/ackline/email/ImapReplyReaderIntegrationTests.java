package ackline.email;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ackline.notice.MailReplyHandler;
import ackline.notice.ReceivedMail;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Flags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static ackline.email.MailTextTests.base64;
import static ackline.email.MailTextTests.mail;
import static ackline.email.MailTextTests.qEncode;
import static ackline.email.MailTextTests.quotedPrintable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ImapReplyReaderIntegrationTests {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

	private static final String MAILBOX = "notices@ackline.local";

	private static final String PASSWORD = "s3cret";

	private static final Charset GBK = Charset.forName("GBK");

	/** Long enough that only IDLE can explain new mail being picked up promptly. */
	private static final Duration NO_POLLING = Duration.ofMinutes(10);

	private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();

	private GreenMailUser user;

	private ImapReplyReader reader;

	@BeforeEach
	void createMailbox() {
		this.user = greenMail.setUser(MAILBOX, MAILBOX, PASSWORD);
	}

	@AfterEach
	void stopReader() {
		if (this.reader != null) {
			this.reader.stop();
		}
	}

	@Test
	void handsRepliesToTheHandlerAsTheyArriveWithIdleAndMarksThemSeen() throws Exception {
		this.reader = new ImapReplyReader(settings(true, NO_POLLING, PASSWORD), this.received::add);
		this.reader.start();
		awaitWaitingForMail();

		deliver(utf8ReplyWithQuote());
		deliver(gbkReply());
		deliver(gb2312QuotedPrintableReply());
		deliver(htmlOnlyReply());

		await().atMost(Duration.ofSeconds(20)).until(() -> this.received.size() == 4);
		ReceivedMail utf8 = byId("<utf8@client.example>");
		assertThat(utf8.inReplyTo()).isEqualTo("<notice-42@ackline.local>");
		assertThat(utf8.from()).isEqualTo("zhangsan@example.com");
		assertThat(utf8.reply()).isEqualTo("收到");
		assertThat(utf8.text()).contains("维持担保比例");
		assertThat(utf8.receivedAt()).isNotNull();
		assertThat(new String(utf8.raw(), StandardCharsets.ISO_8859_1)).contains("Message-ID: <utf8@client.example>");

		ReceivedMail gbk = byId("<gbk@qq.example>");
		assertThat(gbk.subject()).isEqualTo("回复：追加担保品通知");
		assertThat(gbk.reply()).isEqualTo("收到，今天补仓");

		ReceivedMail gb2312 = byId("<gb2312@163.example>");
		assertThat(gb2312.subject()).isEqualTo("回复：通知");
		assertThat(gb2312.reply()).isEqualTo("已收到，朱镕基");

		ReceivedMail html = byId("<html@client.example>");
		assertThat(html.reply()).isEqualTo("收到，谢谢");

		await().atMost(Duration.ofSeconds(10)).until(() -> seenFlags().stream().allMatch((seen) -> seen));
		assertThat(seenFlags()).hasSize(4);
	}

	@Test
	void pollsWhenIdleIsOffAndTakesWaitingMailOldestFirst() {
		deliver(reply("<first@client.example>", "第一"));
		deliver(reply("<second@client.example>", "第二"));
		this.reader = new ImapReplyReader(settings(false, Duration.ofMillis(200), PASSWORD), this.received::add);

		this.reader.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
		deliver(reply("<third@client.example>", "第三"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 3);
		assertThat(this.received).extracting(ReceivedMail::messageId)
			.containsExactly("<first@client.example>", "<second@client.example>", "<third@client.example>");
	}

	@Test
	void leavesAReplyUnseenWhenTheHandlerFailsAndRetriesItOnTheNextPass() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		CountDownLatch checked = new CountDownLatch(1);
		MailReplyHandler handler = (mail) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("database unavailable");
			}
			try {
				// hold the retry until the test has looked at the flag
				checked.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.received.add(mail);
		};
		this.reader = new ImapReplyReader(settings(true, Duration.ofMillis(200), PASSWORD), handler);
		this.reader.start();
		awaitWaitingForMail();

		deliver(reply("<flaky@client.example>", "收到"));

		await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2);
		assertThat(seenFlags()).containsExactly(false);
		checked.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> seenFlags().equals(List.of(true)));
		assertThat(this.received).extracting(ReceivedMail::messageId).containsExactly("<flaky@client.example>");
		assertThat(calls.get()).isEqualTo(2);
	}

	@Test
	void stopEndsIdleAndTheReaderThread() {
		this.reader = new ImapReplyReader(settings(true, NO_POLLING, PASSWORD), this.received::add);
		this.reader.start();
		awaitWaitingForMail();

		this.reader.stop();

		// had stop() not broken IDLE, the thread would still be blocked in it (until the nine-minute refresh)
		assertThat(this.reader.isRunning()).isFalse();
		assertThat(this.reader.workerAlive()).isFalse();
		assertThat(this.reader.connected()).isFalse();
	}

	@Test
	void keepsTryingAfterALoginFailureAndReportsHealth() {
		this.user.setPassword("rotated-elsewhere");
		ImapSettings settings = settings(true, NO_POLLING, PASSWORD);
		this.reader = new ImapReplyReader(settings, this.received::add);
		ImapHealthIndicator health = new ImapHealthIndicator(settings, this.reader);
		this.reader.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.lastFailure().isPresent());

		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("host", settings.host()).containsEntry("folder", "INBOX")
			.containsKey("error");
		assertThat(this.reader.isRunning()).isTrue();

		this.user.setPassword(PASSWORD);
		deliver(reply("<after-outage@client.example>", "收到"));

		await().atMost(Duration.ofSeconds(20)).until(() -> this.received.size() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.reader.lastSuccessfulPoll().isPresent());
		Health up = health.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsKey("lastSuccessfulPoll");
	}

	private void awaitWaitingForMail() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.reader.connected() && this.reader.lastSuccessfulPoll().isPresent());
	}

	private ImapSettings settings(boolean idle, Duration pollInterval, String password) {
		return new ImapSettings(true, greenMail.getImap().getBindTo(), greenMail.getImap().getPort(), MAILBOX, password,
				"imap", "INBOX", pollInterval, idle, Duration.ofSeconds(5));
	}

	private void deliver(byte[] raw) {
		this.user.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw)));
	}

	private List<Boolean> seenFlags() throws Exception {
		return greenMail.getManagers()
			.getImapHostManager()
			.getInbox(this.user)
			.getMessages()
			.stream()
			.map((StoredMessage message) -> message.isSet(Flags.Flag.SEEN))
			.toList();
	}

	private ReceivedMail byId(String messageId) {
		return this.received.stream()
			.filter((mail) -> mail.messageId().equals(messageId))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no reply " + messageId + " among " + this.received));
	}

	private static byte[] reply(String messageId, String text) {
		return mail("Message-ID: " + messageId + "\nFrom: client@example.com\nTo: " + MAILBOX
				+ "\nSubject: Re: notice\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n",
				base64(text.getBytes(StandardCharsets.UTF_8)));
	}

	private static byte[] utf8ReplyWithQuote() {
		String body = "收到\r\n\r\n在 2026年3月2日，上午10:00，Ackline <notices@ackline.local> 写道：\r\n"
				+ "> 您的信用账户维持担保比例已低于130%\r\n> 请回复“收到”确认\r\n";
		return mail("""
				Message-ID: <utf8@client.example>
				From: =?UTF-8?B?5byg5LiJ?= <ZhangSan@example.com>
				To: notices@ackline.local
				Subject: =?UTF-8?B?UmU6IOi/veWKoOaLheS/neWTgemAmuefpQ==?=
				In-Reply-To: <notice-42@ackline.local>
				References: <notice-42@ackline.local>
				Date: Tue, 03 Mar 2026 10:15:00 +0800
				MIME-Version: 1.0
				Content-Type: text/plain; charset=UTF-8
				Content-Transfer-Encoding: 8bit
				""", body.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] gbkReply() {
		return mail("Message-ID: <gbk@qq.example>\nFrom: 12345@qq.com\nTo: " + MAILBOX + "\nSubject: =?gbk?B?"
				+ Base64.getEncoder().encodeToString("回复：追加担保品通知".getBytes(GBK))
				+ "?=\nIn-Reply-To: <notice-43@ackline.local>\nMIME-Version: 1.0\n"
				+ "Content-Type: text/plain; charset=\"gbk\"\nContent-Transfer-Encoding: base64\n",
				base64("收到，今天补仓\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: \"Ackline\"<notices@ackline.local>;\r\n"
					.getBytes(GBK)));
	}

	private static byte[] gb2312QuotedPrintableReply() {
		return mail("Message-ID: <gb2312@163.example>\nFrom: client@163.com\nTo: " + MAILBOX + "\nSubject: =?GB2312?Q?"
				+ qEncode("回复：通知".getBytes(GBK)) + "?=\nMIME-Version: 1.0\n"
				+ "Content-Type: text/plain; charset=GB2312\nContent-Transfer-Encoding: quoted-printable\n",
				quotedPrintable("已收到，朱镕基".getBytes(GBK)));
	}

	private static byte[] htmlOnlyReply() {
		String html = "<html><head><style>div{font-size:14px}</style></head><body><div>收到，谢谢</div>"
				+ "<div><br></div><div>------------------&nbsp;原始邮件&nbsp;------------------</div>"
				+ "<div><b>发件人:</b>&nbsp;\"Ackline\"&lt;notices@ackline.local&gt;;</div></body></html>";
		return mail("Message-ID: <html@client.example>\nFrom: client@qq.com\nTo: " + MAILBOX
				+ "\nSubject: Re: notice\nMIME-Version: 1.0\nContent-Type: text/html; charset=UTF-8\n"
				+ "Content-Transfer-Encoding: base64\n", base64(html.getBytes(StandardCharsets.UTF_8)));
	}

}
