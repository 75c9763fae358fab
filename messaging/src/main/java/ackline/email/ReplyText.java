package ackline.email;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cuts a reply down to what the client wrote: everything from the first line that starts the quoted original
 * (as English and Chinese mail clients mark it) is dropped, then trailing sign-offs such as "发自我的iPhone".
 */
final class ReplyText {

	private static final Pattern QUOTED = Pattern.compile("^\\s*(>|＞).*");

	private static final Pattern SEPARATOR = Pattern.compile(
			"^\\s*-{2,}\\s*(original message|original|原始邮件|邮件原件|回复的原邮件|转发的原邮件)\\s*-{2,}\\s*$",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern SIGNATURE_DELIMITER = Pattern.compile("^--\\s?$");

	/** Attributions ending a line: "On Mon, ... wrote:", "在 2025年3月3日 ... 写道：", Gmail's "... 于 ... 写道：". */
	private static final Pattern ATTRIBUTION_END = Pattern.compile("(?i).*(\\bwrote\\s*:|写道\\s*[:：])\\s*$");

	private static final Pattern ATTRIBUTION_START = Pattern.compile("(?i)^\\s*(on\\s|在\\s*\\d).*");

	private static final Pattern CHINESE_FROM = Pattern.compile("^\\s*\\*?\\s*发件人\\s*\\*?\\s*[:：].*");

	private static final Pattern ENGLISH_FROM = Pattern.compile("(?i)^\\s*\\*?\\s*from\\s*\\*?\\s*:.*");

	private static final Pattern HEADER_LINE = Pattern.compile(
			"(?i)^\\s*\\*?\\s*(sent|date|to|cc|subject|发送时间|时间|日期|收件人|抄送|主题)\\s*\\*?\\s*[:：].*");

	private static final Pattern SIGN_OFF = Pattern.compile(
			"(?i)^\\s*((发自|来自)我的.{0,24}|sent from my .{0,40}|get outlook for .{0,20}|sent from (mail|outlook) for .{0,20})\\s*$");

	private static final Pattern RULE = Pattern.compile("^\\s*[_\\-=*~]{3,}\\s*$");

	private ReplyText() {
	}

	static String strip(String text) {
		if (text == null || text.isBlank()) {
			return "";
		}
		String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
		int end = lines.length;
		for (int i = 0; i < lines.length; i++) {
			int cut = quoteStart(lines, i);
			if (cut >= 0) {
				end = cut;
				break;
			}
		}
		while (end > 0 && isTrailer(lines[end - 1])) {
			end--;
		}
		return String.join("\n", Arrays.copyOfRange(lines, 0, end)).strip();
	}

	/** The index to cut at if line {@code i} starts the quoted original, else -1. */
	private static int quoteStart(String[] lines, int i) {
		String line = lines[i];
		if (QUOTED.matcher(line).matches() || SEPARATOR.matcher(line).matches()
				|| SIGNATURE_DELIMITER.matcher(line).matches() || CHINESE_FROM.matcher(line).matches()) {
			return i;
		}
		if (ENGLISH_FROM.matcher(line).matches() && headerFollows(lines, i)) {
			return i;
		}
		if (ATTRIBUTION_END.matcher(line).matches()) {
			boolean english = line.toLowerCase(Locale.ROOT).contains("wrote");
			if (ATTRIBUTION_START.matcher(line).matches()) {
				return i;
			}
			// clients wrap a long attribution onto a second line
			if (i > 0 && ATTRIBUTION_START.matcher(lines[i - 1]).matches()) {
				return i - 1;
			}
			// "wrote:" alone is too common in prose to trust; Gmail's Chinese "... 于 ... 写道：" has no opening word
			return english ? -1 : i;
		}
		return -1;
	}

	private static boolean headerFollows(String[] lines, int i) {
		for (int j = i + 1; j < Math.min(lines.length, i + 5); j++) {
			if (HEADER_LINE.matcher(lines[j]).matches()) {
				return true;
			}
		}
		return false;
	}

	private static boolean isTrailer(String line) {
		return line.isBlank() || SIGN_OFF.matcher(line).matches() || RULE.matcher(line).matches();
	}

}
