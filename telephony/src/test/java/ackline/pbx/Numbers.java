package ackline.pbx;

import java.util.Locale;

/**
 * Loose matching of phone numbers and endpoint names, so a script for {@code 13900139001} applies to a call to
 * {@code +86 139 0013 9001} and the other way round.
 */
final class Numbers {

	private Numbers() {
	}

	/**
	 * The key a script is filed under: the digits of a number, or the lower-case name of an endpoint (anything with
	 * a letter, e.g. {@code agent1}; a {@code PJSIP/} prefix is dropped).
	 */
	static String key(String party) {
		String trimmed = party.trim();
		int slash = trimmed.indexOf('/');
		if (slash >= 0) {
			trimmed = trimmed.substring(slash + 1);
		}
		if (trimmed.chars().anyMatch(Character::isLetter)) {
			return trimmed.toLowerCase(Locale.ROOT);
		}
		return trimmed.replaceAll("\\D", "");
	}

	/** Same key, or two numbers that differ only by a leading country code (up to three digits). */
	static boolean matches(String a, String b) {
		String x = key(a);
		String y = key(b);
		if (x.equals(y)) {
			return !x.isEmpty();
		}
		if (x.isEmpty() || y.isEmpty() || !isDigits(x) || !isDigits(y)) {
			return false;
		}
		String longer = x.length() >= y.length() ? x : y;
		String shorter = longer == x ? y : x;
		return shorter.length() >= 6 && longer.length() - shorter.length() <= 3 && longer.endsWith(shorter);
	}

	private static boolean isDigits(String s) {
		return s.chars().allMatch(Character::isDigit);
	}

}
