package ackline.callback;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskNotesTests {

	@Test
	void aNoteNeedsTextOfAtMostTwoThousandCharacters() {
		assertThat(TaskNotes.validText("  客户要求下午再打 ")).isEqualTo("客户要求下午再打");
		assertThat(TaskNotes.validText("字".repeat(2000))).hasSize(2000);
		for (String bad : new String[] { null, "", "   ", "字".repeat(2001) }) {
			assertThatThrownBy(() -> TaskNotes.validText(bad)).isInstanceOfSatisfying(CallbackRejected.class,
					ex -> assertThat(ex.errors().get(0).field()).isEqualTo("text"));
		}
	}

}
