package ackline.callback;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallOutcomeTests {

	@Test
	void dialStatusDecidesAndTheCauseRefinesIt() {
		assertThat(CallOutcome.of("ANSWER", 16)).isEqualTo(CallOutcome.ANSWERED);
		assertThat(CallOutcome.of("BUSY", 17)).isEqualTo(CallOutcome.BUSY);
		assertThat(CallOutcome.of("NOANSWER", 19)).isEqualTo(CallOutcome.NO_ANSWER);
		assertThat(CallOutcome.of("NOANSWER", 21)).as("declined").isEqualTo(CallOutcome.NO_ANSWER);
		assertThat(CallOutcome.of("NOANSWER", 1)).as("Asterisk's DialEnd for an unallocated number")
			.isEqualTo(CallOutcome.INVALID_NUMBER);
		assertThat(CallOutcome.of("CONGESTION", 34)).isEqualTo(CallOutcome.CONGESTION);
		assertThat(CallOutcome.of("CONGESTION", 1)).isEqualTo(CallOutcome.INVALID_NUMBER);
		assertThat(CallOutcome.of("CHANUNAVAIL", 1)).isEqualTo(CallOutcome.INVALID_NUMBER);
		assertThat(CallOutcome.of("CHANUNAVAIL", 38)).isEqualTo(CallOutcome.FAILED);
	}

	@Test
	void withoutDialStatusTheQ850CauseIsRead() {
		assertThat(CallOutcome.of(null, 17)).isEqualTo(CallOutcome.BUSY);
		assertThat(CallOutcome.of(null, 19)).isEqualTo(CallOutcome.NO_ANSWER);
		assertThat(CallOutcome.of(null, 21)).isEqualTo(CallOutcome.NO_ANSWER);
		assertThat(CallOutcome.of(null, 1)).isEqualTo(CallOutcome.INVALID_NUMBER);
		assertThat(CallOutcome.of(null, 34)).isEqualTo(CallOutcome.CONGESTION);
		assertThat(CallOutcome.of(null, null)).isEqualTo(CallOutcome.FAILED);
	}

	@Test
	void unansweredCallsAreDisposedByTheDialer() {
		assertThat(CallOutcome.BUSY.automaticDisposition()).isEqualTo(Disposition.BUSY);
		assertThat(CallOutcome.NO_ANSWER.automaticDisposition()).isEqualTo(Disposition.NO_ANSWER);
		assertThat(CallOutcome.INVALID_NUMBER.automaticDisposition()).isEqualTo(Disposition.INVALID_NUMBER);
		assertThat(CallOutcome.ANSWERED.automaticDisposition()).isNull();
	}

}
