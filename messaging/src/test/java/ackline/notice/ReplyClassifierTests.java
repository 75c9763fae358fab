package ackline.notice;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyClassifierTests {

	private final ReplyClassifier classifier = new ReplyClassifier(
			List.of("1", "Y", "YES", "OK", "确认", "收到", "已收到", "知道了", "好", "好的", "已知晓"),
			List.of("STOP", "TD", "退订"));

	@ParameterizedTest
	@ValueSource(strings = { "1", "１", "y", "Ｙ", "yes", "ＹＥＳ", "Ok", "确认", "收到", " 收到。", "收到！", "收到，谢谢",
			"收到了", "已收到", "知道了", "好的", "好的谢谢", "OK!" })
	void acknowledgements(String reply) {
		assertThat(classifier.classify(reply)).isEqualTo(ReplyClassifier.Meaning.ACK);
	}

	@ParameterizedTest
	@ValueSource(strings = { "收到了吗？", "确认?", "为什么要追加保证金", "我要投诉", "2", "no", "", "请回电" })
	void notAcknowledgements(String reply) {
		assertThat(classifier.classify(reply)).isEqualTo(ReplyClassifier.Meaning.OTHER);
	}

	@ParameterizedTest
	@ValueSource(strings = { "STOP", "stop", "ＳＴＯＰ", "退订", "TD", "td" })
	void optOuts(String reply) {
		assertThat(classifier.classify(reply)).isEqualTo(ReplyClassifier.Meaning.OPT_OUT);
	}

}
