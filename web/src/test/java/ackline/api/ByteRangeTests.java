package ackline.api;

import java.util.Optional;

import ackline.api.RecordingController.ByteRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Range header forms playback understands, and what it leaves to a full answer. */
class ByteRangeTests {

	@Test
	void singleRanges() {
		assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 100, true));
		assertThat(ByteRange.parse("bytes=900-", 1000)).contains(new ByteRange(900, 100, true));
		assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 10, true));
		assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 1000, true));
		assertThat(ByteRange.parse("bytes=990-5000", 1000)).contains(new ByteRange(990, 10, true));
	}

	@Test
	void unsatisfiable() {
		assertThat(ByteRange.parse("bytes=1000-", 1000)).hasValueSatisfying(r -> assertThat(r.satisfiable()).isFalse());
		assertThat(ByteRange.parse("bytes=-0", 1000)).hasValueSatisfying(r -> assertThat(r.satisfiable()).isFalse());
	}

	@Test
	void ignoredHeadersMeanTheWholeBody() {
		assertThat(ByteRange.parse(null, 1000)).isEqualTo(Optional.empty());
		assertThat(ByteRange.parse("bytes=0-1,5-6", 1000)).isEmpty();
		assertThat(ByteRange.parse("items=0-1", 1000)).isEmpty();
		assertThat(ByteRange.parse("bytes=9-1", 1000)).isEmpty();
		assertThat(ByteRange.parse("bytes=x-1", 1000)).isEmpty();
	}

}
