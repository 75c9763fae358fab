package ackline.notice;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmsSegmentsTests {

	@Test
	void chineseGoesAsUcs2Seventy() {
		assertThat(SmsSegments.of("好".repeat(70))).isEqualTo(new SmsSegments("UCS-2", 70, 1));
		assertThat(SmsSegments.of("好".repeat(71))).isEqualTo(new SmsSegments("UCS-2", 71, 2));
		assertThat(SmsSegments.of("好".repeat(134)).segments()).isEqualTo(2);
		assertThat(SmsSegments.of("好".repeat(135)).segments()).isEqualTo(3);
	}

	@Test
	void plainLatinGoesAsGsm7() {
		assertThat(SmsSegments.of("a".repeat(160))).isEqualTo(new SmsSegments("GSM-7", 160, 1));
		assertThat(SmsSegments.of("a".repeat(161)).segments()).isEqualTo(2);
		assertThat(SmsSegments.of("€".repeat(80))).isEqualTo(new SmsSegments("GSM-7", 160, 1));
	}

	@Test
	void oneChineseCharacterTurnsTheWholeMessageUcs2() {
		assertThat(SmsSegments.of("a".repeat(69) + "好").encoding()).isEqualTo("UCS-2");
	}

}
