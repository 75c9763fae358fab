package ackline.quality;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ackline.validation.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScoreRulesTests {

	private static Map<String, Object> fullMarks() {
		Map<String, Object> scores = new LinkedHashMap<>();
		for (Criterion c : Criterion.values()) {
			scores.put(c.name(), c.max());
		}
		return scores;
	}

	private static List<String> fields(Runnable r) {
		try {
			r.run();
		}
		catch (ScorecardRejected ex) {
			return ex.errors().stream().map(FieldError::field).toList();
		}
		throw new AssertionError("not rejected");
	}

	@Test
	void theCriteriaAddUpToOneHundred() {
		assertThat(Arrays.stream(Criterion.values()).mapToInt(Criterion::max).sum()).isEqualTo(Criterion.TOTAL);
		assertThat(Criterion.DISCLOSURE_READ.max()).isEqualTo(25);
		assertThat(Criterion.CLOSING.nameZh()).isEqualTo("结束语");
	}

	@Test
	void theTotalIsTheSumOfTheScoresInTheCriteriaOrder() {
		Map<String, Object> scores = new LinkedHashMap<>();
		scores.put("CLOSING", 10);
		scores.put("ACCURACY", 18L);
		scores.put("DISCLOSURE_READ", 25.0);
		scores.put("IDENTITY_CHECK", new BigDecimal("20"));
		scores.put("GREETING_COURTESY", 0);
		ScoreRules.Valid valid = ScoreRules.validate(new ScorecardRequest(scores,
				Map.of("ACCURACY", "  利率说明有误 "), "  整体良好  "));
		assertThat(valid.total()).isEqualTo(73);
		assertThat(valid.scores().keySet()).containsExactly("GREETING_COURTESY", "IDENTITY_CHECK", "DISCLOSURE_READ",
				"ACCURACY", "CLOSING");
		assertThat(valid.comments()).containsExactly(Map.entry("ACCURACY", "利率说明有误"));
		assertThat(valid.comment()).isEqualTo("整体良好");
		assertThat(ScoreRules.validate(new ScorecardRequest(fullMarks(), null, null)).total()).isEqualTo(100);
	}

	@Test
	void everyWrongScoreIsNamedByItsField() {
		Map<String, Object> scores = fullMarks();
		scores.remove("ACCURACY");
		scores.put("GREETING_COURTESY", 21);
		scores.put("CLOSING", -1);
		scores.put("IDENTITY_CHECK", 12.5);
		scores.put("DISCLOSURE_READ", "25");
		scores.put("SMILE", 5);
		assertThat(fields(() -> ScoreRules.validate(new ScorecardRequest(scores, Map.of("MOOD", "x"), null))))
			.containsExactly("scores.GREETING_COURTESY", "scores.IDENTITY_CHECK", "scores.DISCLOSURE_READ",
					"scores.ACCURACY", "scores.CLOSING", "scores.SMILE", "comments.MOOD");
	}

	@Test
	void scoresAreRequiredAndCommentsAreBounded() {
		assertThat(fields(() -> ScoreRules.validate(null))).containsExactly("scores");
		assertThat(fields(() -> ScoreRules.validate(new ScorecardRequest(Map.of(), null, null)))).containsExactly("scores");
		assertThatThrownBy(() -> ScoreRules.validate(new ScorecardRequest(fullMarks(), null, "长".repeat(2001))))
			.isInstanceOfSatisfying(ScorecardRejected.class,
					ex -> assertThat(ex.errors().get(0).field()).isEqualTo("comment"));
		assertThat(fields(() -> ScoreRules.validate(
				new ScorecardRequest(fullMarks(), Map.of("CLOSING", "x".repeat(501)), null))))
			.containsExactly("comments.CLOSING");
		assertThat(ScoreRules.validate(new ScorecardRequest(fullMarks(), null, "长".repeat(2000))).comment()).hasSize(2000);
	}

	@Test
	void averagesAreRoundedToTwoPlacesAndNullWhenThereIsNothing() {
		assertThat(Scorecards.average(List.of(80, 91, 90))).isEqualByComparingTo("87.00");
		assertThat(Scorecards.average(List.of(80, 85, 85))).isEqualByComparingTo("83.33");
		assertThat(Scorecards.average(List.of())).isNull();
	}

}
