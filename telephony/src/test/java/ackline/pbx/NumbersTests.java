package ackline.pbx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NumbersTests {

	@Test
	void numbersMatchWhateverTheirFormatAndWithOrWithoutTheCountryCode() {
		assertThat(Numbers.matches("13900139001", "+86 139 0013 9001")).isTrue();
		assertThat(Numbers.matches("8613900139001", "13900139001")).isTrue();
		assertThat(Numbers.matches("13900139001", "8613900139001")).isTrue();
		assertThat(Numbers.matches("13900139001", "13900139002")).isFalse();
		assertThat(Numbers.matches("139001", "8613900139001")).as("too short to be the same number").isFalse();
	}

	@Test
	void endpointsMatchByNameWithOrWithoutTheirTechnology() {
		assertThat(Numbers.matches("agent1", "PJSIP/agent1")).isTrue();
		assertThat(Numbers.matches("Agent1", "agent1")).isTrue();
		assertThat(Numbers.matches("agent1", "agent11")).isFalse();
		assertThat(Numbers.matches("agent1", "1")).isFalse();
	}

	@Test
	void agiCommandsSplitIntoWordsWithQuotedArguments() {
		assertThat(FastAgiCall.tokenize("STREAM FILE \"ackline/zh-CN/margin-call\" \"\""))
			.containsExactly("STREAM", "FILE", "ackline/zh-CN/margin-call", "");
		assertThat(FastAgiCall.tokenize("SET VARIABLE \"NOTE\" \"say \\\"hi\\\"\""))
			.containsExactly("SET", "VARIABLE", "NOTE", "say \"hi\"");
		assertThat(FastAgiCall.tokenize("GET DATA beep 3000 1")).containsExactly("GET", "DATA", "beep", "3000", "1");
	}

}
