package ackline.quality;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ackline.validation.FieldError;

/** Validates a scorecard request and computes its total; every error names its field ({@code scores.ACCURACY}). */
final class ScoreRules {

	static final int MAX_COMMENT = 2000;

	static final int MAX_CRITERION_COMMENT = 500;

	private ScoreRules() {
	}

	/** Scores and comments in the criteria's order, and their total. */
	record Valid(Map<String, Integer> scores, Map<String, String> comments, String comment, int total) {
	}

	static Valid validate(ScorecardRequest r) {
		List<FieldError> errors = new ArrayList<>();
		Map<String, Object> scores = r == null ? null : r.scores();
		if (scores == null || scores.isEmpty()) {
			throw new ScorecardRejected(List.of(FieldError.of("scores", "scorecard.scores.required",
					"a score is required for every criterion", String.join(", ", codes()))));
		}
		Map<String, Integer> valid = new LinkedHashMap<>();
		int total = 0;
		for (Criterion c : Criterion.values()) {
			String field = "scores." + c.name();
			if (!scores.containsKey(c.name()) || scores.get(c.name()) == null) {
				errors.add(FieldError.of(field, "scorecard.score.required", "is required (0 to " + c.max() + ")", c.max()));
				continue;
			}
			Integer score = whole(scores.get(c.name()));
			if (score == null) {
				errors.add(FieldError.of(field, "scorecard.score.invalid", "must be a whole number from 0 to " + c.max(),
						scores.get(c.name()), c.max()));
			}
			else if (score < 0 || score > c.max()) {
				errors.add(FieldError.of(field, "scorecard.score.range", "must be from 0 to " + c.max(), score, c.max()));
			}
			else {
				valid.put(c.name(), score);
				total += score;
			}
		}
		for (String key : scores.keySet()) {
			if (Criterion.byCode(key) == null) {
				errors.add(FieldError.of("scores." + key, "scorecard.criterion.unknown", "is not a criterion", key,
						String.join(", ", codes())));
			}
		}
		Map<String, String> comments = new LinkedHashMap<>();
		if (r.comments() != null) {
			for (Map.Entry<String, String> e : r.comments().entrySet()) {
				String field = "comments." + e.getKey();
				if (Criterion.byCode(e.getKey()) == null) {
					errors.add(FieldError.of(field, "scorecard.criterion.unknown", "is not a criterion", e.getKey(),
							String.join(", ", codes())));
				}
				else if (e.getValue() != null && e.getValue().strip().length() > MAX_CRITERION_COMMENT) {
					errors.add(FieldError.of(field, "too-long", "must be at most " + MAX_CRITERION_COMMENT + " characters",
							MAX_CRITERION_COMMENT));
				}
			}
			for (Criterion c : Criterion.values()) {
				String text = r.comments().get(c.name());
				if (text != null && !text.isBlank()) {
					comments.put(c.name(), text.strip());
				}
			}
		}
		String comment = r.comment() == null || r.comment().isBlank() ? null : r.comment().strip();
		if (comment != null && comment.length() > MAX_COMMENT) {
			errors.add(FieldError.of("comment", "too-long", "must be at most " + MAX_COMMENT + " characters", MAX_COMMENT));
		}
		if (!errors.isEmpty()) {
			throw new ScorecardRejected(errors);
		}
		return new Valid(valid, comments, comment, total);
	}

	/** The value as a whole number, or null when it is not one (text, a fraction, too large). */
	static Integer whole(Object v) {
		if (v instanceof Integer i) {
			return i;
		}
		if (v instanceof Long || v instanceof Short || v instanceof Byte) {
			long l = ((Number) v).longValue();
			return l < Integer.MIN_VALUE || l > Integer.MAX_VALUE ? null : (int) l;
		}
		if (v instanceof BigInteger b) {
			return b.bitLength() < 32 ? b.intValue() : null;
		}
		if (v instanceof BigDecimal d) {
			try {
				return d.intValueExact();
			}
			catch (ArithmeticException ex) {
				return null;
			}
		}
		if (v instanceof Double || v instanceof Float) {
			double d = ((Number) v).doubleValue();
			return d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE ? (int) d : null;
		}
		return null;
	}

	private static List<String> codes() {
		List<String> codes = new ArrayList<>();
		for (Criterion c : Criterion.values()) {
			codes.add(c.name());
		}
		return codes;
	}

}
