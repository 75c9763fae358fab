package ackline.asterisk;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void doublesFromTheMinimumUpToTheMaximum() {
		assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(4));
		assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
		assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void jitterOnlyShortensByUpToAFifth() {
		for (int failures = 1; failures < 40; failures++) {
			Duration ceiling = backoff.ceiling(failures);
			assertThat(backoff.delay(failures)).isBetween(ceiling.minus(ceiling.dividedBy(5)), ceiling);
		}
	}

}
