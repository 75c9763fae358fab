package ackline.id;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTests {

	@Test
	void idsAreVersion7AndOrderedByTime() throws InterruptedException {
		UUID first = Ids.newId();
		Thread.sleep(2);
		UUID second = Ids.newId();
		assertThat(first.version()).isEqualTo(7);
		assertThat(first.variant()).isEqualTo(2);
		assertThat(first.compareTo(second)).isNegative();
	}

	@Test
	void referencesAreEightCrockfordCharactersAndRarelyCollide() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			String ref = Ids.reference(Ids.newId());
			assertThat(ref).matches("[0-9A-HJKMNP-TV-Z]{8}");
			seen.add(ref);
		}
		assertThat(seen).hasSizeGreaterThan(9_990);
	}

}
