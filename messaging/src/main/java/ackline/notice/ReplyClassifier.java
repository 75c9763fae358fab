package ackline.notice;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides what a client's reply means. Replies are compared after NFKC normalisation (full-width
 * {@code １} and {@code ＹＥＳ} become {@code 1} and {@code YES}), in upper case, without surrounding
 * spaces, closing punctuation or a polite tail ({@code 收到，谢谢}). A reply that asks something is never
 * an acknowledgement.
 */
class ReplyClassifier {

	enum Meaning {
		ACK, OPT_OUT, OTHER
	}

	private static final Pattern SEPARATORS = Pattern.compile("[\\s.,!~;:'\"、。，！～；：…·]+");

	private static final List<String> POLITE_TAILS = List.of("谢谢您", "谢谢你", "谢谢", "多谢", "THANKS", "THANKYOU",
			"THANK YOU", "了", "啦", "的");

	private final Set<String> ackWords;

	private final Set<String> optOutWords;

	ReplyClassifier(List<String> ackWords, List<String> optOutWords) {
		this.ackWords = ackWords.stream().map(ReplyClassifier::normalize).collect(Collectors.toSet());
		this.optOutWords = optOutWords.stream().map(ReplyClassifier::normalize).collect(Collectors.toSet());
	}

	Meaning classify(String reply) {
		if (reply == null) {
			return Meaning.OTHER;
		}
		String text = normalize(reply);
		if (text.isEmpty() || text.contains("?")) {
			return Meaning.OTHER;
		}
		if (optOutWords.contains(text)) {
			return Meaning.OPT_OUT;
		}
		String candidate = text;
		for (int i = 0; i < 3; i++) {
			if (ackWords.contains(candidate)) {
				return Meaning.ACK;
			}
			String shorter = stripPoliteTail(candidate);
			if (shorter.equals(candidate)) {
				break;
			}
			candidate = shorter;
		}
		return ackWords.contains(candidate) ? Meaning.ACK : Meaning.OTHER;
	}

	static String normalize(String text) {
		String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).strip();
		// Closing punctuation and separators carry no meaning here; a question mark does, so it stays.
		return SEPARATORS.matcher(n).replaceAll("");
	}

	private static String stripPoliteTail(String text) {
		for (String tail : POLITE_TAILS) {
			String t = tail.replace(" ", "");
			if (text.length() > t.length() && text.endsWith(t)) {
				return text.substring(0, text.length() - t.length());
			}
		}
		return text;
	}

}
