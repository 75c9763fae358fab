package ackline.callback;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import ackline.call.IvrScript;

/**
 * The sound files of the automated notice call, per language (zh-CN first): the notice's own prompts, then "请按1确认"
 * (press 1 to confirm), asked up to three times, then thanks or goodbye. File names follow Asterisk's sounds layout
 * ({@code ackline/zh-CN/press-1-to-confirm}); the deployment ships the recordings.
 */
final class IvrPrompts {

	private final String confirmDigit;

	private final int attempts;

	private final Duration digitTimeout;

	IvrPrompts(String confirmDigit, int attempts, Duration digitTimeout) {
		this.confirmDigit = confirmDigit;
		this.attempts = attempts;
		this.digitTimeout = digitTimeout;
	}

	String confirmDigit() {
		return confirmDigit;
	}

	IvrScript script(String language, String prompts) {
		String lang = language == null || language.isBlank() ? "zh-CN" : language;
		List<String> notice = prompts == null || prompts.isBlank() ? List.of()
				: Arrays.stream(prompts.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
		return new IvrScript(lang, notice, "ackline/" + lang + "/press-" + confirmDigit + "-to-confirm", confirmDigit,
				attempts, digitTimeout, "ackline/" + lang + "/thank-you", "ackline/" + lang + "/goodbye");
	}

	static String join(List<String> prompts) {
		for (String p : prompts) {
			if (p.contains(",")) {
				throw new IllegalArgumentException("a prompt's file name cannot contain a comma: " + p);
			}
		}
		return String.join(",", prompts);
	}

}
