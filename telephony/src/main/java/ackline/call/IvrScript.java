package ackline.call;

import java.time.Duration;
import java.util.List;

/**
 * What the FastAGI script does on an IVR call: play the prompts, ask with {@code askPrompt} for one key, and repeat
 * up to {@code attempts} times until the client presses {@code confirmDigit}; then play {@code thanksPrompt} (or
 * {@code goodbyePrompt} when no confirmation came) and hang up. Prompts are sound file names as Asterisk's
 * {@code STREAM FILE} takes them (no extension), e.g. {@code ackline/zh-CN/margin-call}.
 */
public record IvrScript(String language, List<String> prompts, String askPrompt, String confirmDigit, int attempts,
		Duration digitTimeout, String thanksPrompt, String goodbyePrompt) {

	public IvrScript {
		prompts = List.copyOf(prompts);
	}

}
