package ackline.notice;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class NoticeTemplatesTests {

	private final NoticeTemplates templates = new NoticeTemplates();

	@Test
	void marginCallNeedsRatioShortfallAndDeadline() {
		assertThat(templates.required(NoticeType.MARGIN_CALL, "zh-CN", "sms")).containsExactlyInAnyOrder("ratio",
				"deadline", "shortfall");
	}

	@Test
	void theLinkSentenceOnlyAppearsWhenThereIsALink() {
		Map<String, Object> values = Map.of("clientName", "张三", "firm", "示例证券", "ref", "7KQ2M9XD", "ratio", "128%",
				"shortfall", "52,000.00", "deadline", "2026-11-24 15:00");
		String without = templates.render(NoticeType.MARGIN_CALL, "zh-CN", "sms", values);
		assertThat(without).startsWith("【示例证券】尊敬的张三").doesNotContain("确认知晓").endsWith("编号7KQ2M9XD");
		java.util.HashMap<String, Object> withLink = new java.util.HashMap<>(values);
		withLink.put("link", "https://a.cn/ack/x");
		assertThat(templates.render(NoticeType.MARGIN_CALL, "zh-CN", "sms", withLink)).contains("https://a.cn/ack/x 确认知晓");
	}

	@ParameterizedTest
	@EnumSource(NoticeType.class)
	void everyTypeHasEveryPartInBothLanguages(NoticeType type) {
		for (String language : NoticeTemplates.LANGUAGES) {
			for (String part : new String[] { "sms", "subject", "email" }) {
				assertThat(templates.required(type, language, part)).isNotNull();
			}
		}
	}

	@Test
	void languagesFallBackSensibly() {
		assertThat(templates.language(null, "zh-CN")).isEqualTo("zh-CN");
		assertThat(templates.language("zh-Hans", "zh-CN")).isEqualTo("zh-CN");
		assertThat(templates.language("en-GB", "zh-CN")).isEqualTo("en");
		assertThat(templates.language("fr", "zh-CN")).isNull();
	}

}
