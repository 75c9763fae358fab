package ackline.email;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import ackline.notice.ReceivedMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class MailTextTests {

	private static final Charset GBK = Charset.forName("GBK");

	private static final Instant RECEIVED = Instant.parse("2026-03-03T02:00:00Z");

	@Test
	void readsUtf8ReplyHeadersAndStripsTheQuotedOriginal() {
		String body = "收到\r\n\r\nOn Mon, 2 Mar 2026 at 10:00, Ackline <notices@ackline.local> wrote:\r\n"
				+ "> 您的账户维持担保比例已低于警戒线\r\n";
		byte[] raw = mail("""
				Message-ID: <r1@client.example>
				From: =?UTF-8?B?5byg5LiJ?= <ZhangSan@Example.COM>
				To: notices@ackline.local
				Subject: =?UTF-8?B?UmU6IOi/veWKoOaLheS/neWTgemAmuefpQ==?=
				In-Reply-To: <notice-42@ackline.local>
				References: <notice-41@ackline.local>
				 <notice-42@ackline.local>
				Date: Tue, 03 Mar 2026 10:15:00 +0800
				MIME-Version: 1.0
				Content-Type: text/plain; charset=UTF-8
				Content-Transfer-Encoding: base64
				""", base64(body.getBytes(StandardCharsets.UTF_8)));

		ReceivedMail mail = MailText.read(raw, null);

		assertThat(mail.messageId()).isEqualTo("<r1@client.example>");
		assertThat(mail.from()).isEqualTo("zhangsan@example.com");
		assertThat(mail.subject()).isEqualTo("Re: 追加担保品通知");
		assertThat(mail.inReplyTo()).isEqualTo("<notice-42@ackline.local>");
		assertThat(mail.references()).containsExactly("<notice-41@ackline.local>", "<notice-42@ackline.local>");
		assertThat(mail.text()).contains("收到").contains("警戒线");
		assertThat(mail.reply()).isEqualTo("收到");
		assertThat(mail.raw()).isEqualTo(raw);
		assertThat(mail.receivedAt()).isEqualTo(Instant.parse("2026-03-03T02:15:00Z"));
	}

	@Test
	void prefersTheGivenReceivedTimeOverTheDateHeader() {
		byte[] raw = mail("""
				Message-ID: <r2@client.example>
				From: a@example.com
				Date: Tue, 03 Mar 2026 10:15:00 +0800
				""", "ok".getBytes(StandardCharsets.US_ASCII));

		assertThat(MailText.read(raw, RECEIVED).receivedAt()).isEqualTo(RECEIVED);
	}

	@Test
	void decodesGbkBase64BodyAndGbkEncodedSubject() {
		byte[] raw = mail("Message-ID: <r3@qq.example>\nFrom: 12345@qq.com\nSubject: =?gbk?B?"
				+ Base64.getEncoder().encodeToString("回复：追加担保品通知".getBytes(GBK))
				+ "?=\nContent-Type: text/plain; charset=\"gbk\"\nContent-Transfer-Encoding: base64\n",
				base64("收到，今天补仓".getBytes(GBK)));

		ReceivedMail mail = MailText.read(raw, RECEIVED);

		assertThat(mail.subject()).isEqualTo("回复：追加担保品通知");
		assertThat(mail.reply()).isEqualTo("收到，今天补仓");
	}

	@Test
	void decodesGb2312LabelledQuotedPrintableAsGbkSoGbkOnlyCharactersSurvive() {
		// 镕 is in GBK but not in GB2312; mail labelled gb2312 routinely contains such characters
		byte[] raw = mail("Message-ID: <r4@163.example>\nFrom: client@163.com\nSubject: =?GB2312?Q?"
				+ qEncode("朱镕基".getBytes(GBK)) + "?=\nContent-Type: text/plain; charset=GB2312\n"
				+ "Content-Transfer-Encoding: quoted-printable\n", quotedPrintable("收到。朱镕基".getBytes(GBK)));

		ReceivedMail mail = MailText.read(raw, RECEIVED);

		assertThat(mail.subject()).isEqualTo("朱镕基");
		assertThat(mail.reply()).isEqualTo("收到。朱镕基");
	}

	@ParameterizedTest
	@ValueSource(strings = { "x-gbk", "gb_2312-80", "cp936", "GBK", "gb2312", "euc-cn" })
	void decodesGbkUnderItsAliases(String label) {
		byte[] raw = mail("Message-ID: <a@x>\nFrom: a@x.example\nSubject: =?" + label + "?B?"
				+ Base64.getEncoder().encodeToString("确认".getBytes(GBK)) + "?=\nContent-Type: text/plain; charset="
				+ label + "\nContent-Transfer-Encoding: 8bit\n", "已确认".getBytes(GBK));

		ReceivedMail mail = MailText.read(raw, RECEIVED);

		assertThat(mail.subject()).isEqualTo("确认");
		assertThat(mail.reply()).isEqualTo("已确认");
	}

	@Test
	void decodesGb18030AndBig5() {
		byte[] gb18030 = mail("Message-ID: <b@x>\nFrom: a@x.example\nContent-Type: text/plain; charset=GB18030\n"
				+ "Content-Transfer-Encoding: base64\n", base64("收到𠀀".getBytes(Charset.forName("GB18030"))));
		byte[] big5 = mail("Message-ID: <c@x>\nFrom: a@x.example\nContent-Type: text/plain; charset=big5\n"
				+ "Content-Transfer-Encoding: base64\n", base64("收到，謝謝".getBytes(Charset.forName("Big5"))));

		assertThat(MailText.read(gb18030, RECEIVED).reply()).isEqualTo("收到𠀀");
		assertThat(MailText.read(big5, RECEIVED).reply()).isEqualTo("收到，謝謝");
	}

	@Test
	void unlabelledEightBitBodyIsTriedAsUtf8ThenGbk() {
		byte[] gbk = mail("Message-ID: <d@x>\nFrom: a@x.example\nContent-Transfer-Encoding: 8bit\n",
				"收到".getBytes(GBK));
		byte[] utf8 = mail("Message-ID: <e@x>\nFrom: a@x.example\nContent-Transfer-Encoding: 8bit\n",
				"收到".getBytes(StandardCharsets.UTF_8));
		byte[] asciiLabelledGbk = mail("Message-ID: <f@x>\nFrom: a@x.example\n"
				+ "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit\n", "收到".getBytes(GBK));

		assertThat(MailText.read(gbk, RECEIVED).reply()).isEqualTo("收到");
		assertThat(MailText.read(utf8, RECEIVED).reply()).isEqualTo("收到");
		assertThat(MailText.read(asciiLabelledGbk, RECEIVED).reply()).isEqualTo("收到");
	}

	@Test
	void utf8LabelOnGbkBytesFallsBackToGbk() {
		byte[] raw = mail("Message-ID: <g@x>\nFrom: a@x.example\nContent-Type: text/plain; charset=utf-8\n"
				+ "Content-Transfer-Encoding: 8bit\n", "收到".getBytes(GBK));

		assertThat(MailText.read(raw, RECEIVED).reply()).isEqualTo("收到");
	}

	@Test
	void decodesRawEightBitSubjects() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes("Message-ID: <h@x>\r\nFrom: a@x.example\r\nSubject: ".getBytes(StandardCharsets.US_ASCII));
		out.writeBytes("回复：通知".getBytes(GBK));
		out.writeBytes("\r\n\r\nok\r\n".getBytes(StandardCharsets.US_ASCII));

		assertThat(MailText.read(out.toByteArray(), RECEIVED).subject()).isEqualTo("回复：通知");
	}

	@Test
	void joinsAdjacentEncodedWordsThatSplitACharacter() {
		byte[] bytes = "追加担保".getBytes(StandardCharsets.UTF_8);
		String first = Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, 0, 4));
		String second = Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, 4, bytes.length));

		assertThat(MailCharsets.decodeHeader("Re: =?UTF-8?B?" + first + "?=\r\n =?UTF-8?B?" + second + "?="))
			.isEqualTo("Re: 追加担保");
		assertThat(MailCharsets.decodeHeader("=?utf-8?Q?=E6=94=B6=E5=88=B0?= ok")).isEqualTo("收到 ok");
	}

	@Test
	void convertsAnHtmlOnlyReply() {
		String html = """
				<html><head><style>p { color: red; }</style><title>t</title></head>
				<body><script>alert('x')</script><div>收到&nbsp;&amp;&nbsp;已处理</div><p>谢谢<br>王&#20116;</p>
				<blockquote type="cite"><div>您的账户&lt;A&gt;维持担保比例</div></blockquote></body></html>
				""";
		byte[] raw = mail("Message-ID: <i@x>\nFrom: a@x.example\nContent-Type: text/html; charset=utf-8\n"
				+ "Content-Transfer-Encoding: base64\n", base64(html.getBytes(StandardCharsets.UTF_8)));

		ReceivedMail mail = MailText.read(raw, RECEIVED);

		assertThat(mail.text()).isEqualTo("收到 & 已处理\n谢谢\n王五\n> 您的账户<A>维持担保比例");
		assertThat(mail.reply()).isEqualTo("收到 & 已处理\n谢谢\n王五");
	}

	@Test
	void prefersThePlainAlternativeAndSkipsAttachments() {
		byte[] raw = mail("""
				Message-ID: <j@x>
				From: a@x.example
				MIME-Version: 1.0
				Content-Type: multipart/mixed; boundary="outer"
				""", """
				--outer
				Content-Type: multipart/alternative; boundary="inner"

				--inner
				Content-Type: text/plain; charset=UTF-8

				plain 收到
				--inner
				Content-Type: text/html; charset=UTF-8

				<p>html 收到</p>
				--inner--
				--outer
				Content-Type: text/plain; charset=UTF-8; name="note.txt"
				Content-Disposition: attachment; filename="note.txt"

				attached text
				--outer--
				""".replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));

		ReceivedMail mail = MailText.read(raw, RECEIVED);

		assertThat(mail.text()).isEqualTo("plain 收到");
	}

	@Test
	void standsInForAMissingMessageIdWithAHashOfTheBytes() {
		byte[] raw = mail("From: a@x.example\n", "ok".getBytes(StandardCharsets.US_ASCII));

		String id = MailText.read(raw, RECEIVED).messageId();

		assertThat(id).matches("<[0-9a-f]{64}@ackline\\.invalid>");
		assertThat(MailText.read(raw, RECEIVED).messageId()).isEqualTo(id);
	}

	@Test
	void toleratesBrokenBase64() {
		byte[] raw = mail("Message-ID: <k@x>\nFrom: a@x.example\nContent-Type: text/plain; charset=utf-8\n"
				+ "Content-Transfer-Encoding: base64\n", ("5pS25Yiw!!\r\n" + "=").getBytes(StandardCharsets.US_ASCII));

		assertThat(MailText.read(raw, RECEIVED).reply()).isEqualTo("收到");
	}

	@ParameterizedTest
	@ValueSource(strings = { "收到\n\n> 原文\n> 第二行",
			"收到\n-----Original Message-----\nFrom: Ackline\nSent: Monday",
			"收到\n-----原始邮件-----\n发件人: Ackline",
			"收到\n\n------------------ 原始邮件 ------------------\n发件人: \"Ackline\"<notices@ackline.local>;",
			"收到\n\nOn Mon, 2 Mar 2026 at 10:00, Ackline <notices@ackline.local> wrote:\n原文",
			"收到\n\nOn Mon, 2 Mar 2026 at 10:00, Ackline <\nnotices@ackline.local> wrote:\n原文",
			"收到\n\n在 2026年3月2日，上午10:00，Ackline <notices@ackline.local> 写道：\n原文",
			"收到\n\n在 2026-03-02 10:00:00，\"Ackline\" <notices@ackline.local>\n写道:\n原文",
			"收到\n\nAckline <notices@ackline.local> 于2026年3月2日周一 10:00写道：\n原文",
			"收到\n________________________________\nFrom: Ackline <notices@ackline.local>\nSent: Monday\nTo: me",
			"收到\n\n发件人：Ackline\n发送时间：2026年3月2日 10:00",
			"收到\n\n发件人: Ackline\n收件人: 张三",
			"收到\n\n发自我的iPhone",
			"收到\n\nSent from my iPhone\n\n> quoted",
			"收到\n-- \n张三\n某某证券客户", "  收到  \n\n\n" })
	void stripsQuotesAndSignOffs(String text) {
		assertThat(ReplyText.strip(text)).isEqualTo("收到");
	}

	@Test
	void keepsProseThatOnlyLooksLikeAQuoteMarker() {
		String text = "From: my office I confirm the top-up.\nI wrote: yes.";

		assertThat(ReplyText.strip(text)).isEqualTo(text);
	}

	@Test
	void masksAddressesForLogs() {
		assertThat(MailText.mask("zhangsan@qq.com")).isEqualTo("z***@qq.com");
		assertThat(MailText.mask(null)).isEqualTo("(none)");
		assertThat(MailText.mask("nobody")).isEqualTo("***");
		assertThat(MailText.maskAddresses("550 5.1.1 <zhangsan@qq.com>: Recipient address rejected"))
			.isEqualTo("550 5.1.1 <z***@qq.com>: Recipient address rejected");
	}

	/** An RFC 822 message: {@code headers} with LF line ends (turned into CRLF), a blank line, then the body. */
	static byte[] mail(String headers, byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(headers.strip().replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.writeBytes(body);
		return out.toByteArray();
	}

	static byte[] base64(byte[] bytes) {
		return Base64.getMimeEncoder().encodeToString(bytes).concat("\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] quotedPrintable(byte[] bytes) {
		StringBuilder out = new StringBuilder();
		for (byte b : bytes) {
			int value = b & 0xFF;
			if (value >= 33 && value <= 126 && value != '=') {
				out.append((char) value);
			}
			else {
				out.append(String.format("=%02X", value));
			}
		}
		return out.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
	}

	static String qEncode(byte[] bytes) {
		StringBuilder out = new StringBuilder();
		for (byte b : bytes) {
			out.append(String.format("=%02X", b & 0xFF));
		}
		return out.toString();
	}

}
