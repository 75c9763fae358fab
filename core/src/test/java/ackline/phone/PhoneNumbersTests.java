package ackline.phone;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumbersTests {

	private final PhoneNumbers phones = new PhoneNumbers();

	@Test
	void mainlandNumbersWithoutCountryCodeAreTakenAsChinas() {
		assertThat(phones.normalize("13800138000")).isEqualTo("+8613800138000");
		assertThat(phones.normalize("138 0013 8000")).isEqualTo("+8613800138000");
		assertThat(phones.normalize("+86 138-0013-8000")).isEqualTo("+8613800138000");
		assertThat(phones.normalize("008613800138000")).isEqualTo("+8613800138000");
	}

	@Test
	void fullWidthDigitsAndPlusSignAreAccepted() {
		assertThat(phones.normalize("１３８００１３８０００")).isEqualTo("+8613800138000");
		assertThat(phones.normalize("＋８６１３８００１３８０００")).isEqualTo("+8613800138000");
	}

	@Test
	void otherCountriesKeepTheirCode() {
		assertThat(phones.normalize("+852 6123 4567")).isEqualTo("+85261234567");
	}

	@Test
	void invalidNumbersAreRefusedWithAReason() {
		assertThatThrownBy(() -> phones.normalize("12345")).isInstanceOf(InvalidPhoneNumberException.class)
			.hasMessageContaining("12345");
		assertThatThrownBy(() -> phones.normalize("abc")).isInstanceOf(InvalidPhoneNumberException.class);
		assertThatThrownBy(() -> phones.normalize(" ")).hasMessageContaining("empty");
	}

	@Test
	void masksTheMiddleForLogs() {
		assertThat(PhoneNumbers.mask("+8613800138000")).isEqualTo("+86138****8000");
	}

}
