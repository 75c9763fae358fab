package ackline.security;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RememberedCredentialsTests {

	final AtomicInteger hashes = new AtomicInteger();

	final PasswordEncoder real = new BCryptPasswordEncoder(4);

	/** BCrypt, counting how often a password is checked against a hash. */
	final PasswordEncoder bcrypt = new PasswordEncoder() {
		@Override
		public String encode(CharSequence raw) {
			return real.encode(raw);
		}

		@Override
		public boolean matches(CharSequence raw, String encoded) {
			hashes.incrementAndGet();
			return real.matches(raw, encoded);
		}
	};

	final RememberedCredentials provider = provider();

	RememberedCredentials provider() {
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(
				User.withUsername("system").password(bcrypt.encode("system")).roles("SYSTEM").build()));
		dao.setPasswordEncoder(bcrypt);
		return new RememberedCredentials(dao, Duration.ofMinutes(1), Clock.systemUTC());
	}

	@Test
	void aVerifiedPasswordIsHashedOnceAndTheResultCarriesNoPassword() {
		Authentication first = provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "system"));
		Authentication second = provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "system"));
		assertThat(first.isAuthenticated()).isTrue();
		assertThat(second.isAuthenticated()).isTrue();
		assertThat(second.getAuthorities()).extracting(Object::toString).contains("ROLE_SYSTEM");
		assertThat(second.getCredentials()).isNull();
		assertThat(hashes).hasValue(1);
	}

	@Test
	void aWrongPasswordIsNeverAcceptedFromMemory() {
		provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "system"));
		assertThatThrownBy(() -> provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "wrong")))
			.isInstanceOf(BadCredentialsException.class);
		assertThat(hashes).hasValue(2);
	}

	@Test
	void aForgottenUserIsCheckedAgain() {
		provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "system"));
		provider.forget("system");
		provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("system", "system"));
		assertThat(hashes).hasValue(2);
	}

}
