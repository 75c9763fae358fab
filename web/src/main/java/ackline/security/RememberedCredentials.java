package ackline.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * Remembers, for a short while, a password that just passed BCrypt, so an upstream system calling the
 * API with HTTP Basic many times a second pays the (deliberately slow) hash once a minute, not on every
 * request. Only a keyed HMAC of the password is kept in memory, under a key made fresh at each start;
 * a changed password is forgotten at once.
 */
class RememberedCredentials implements AuthenticationProvider {

	private static final int MAX_ENTRIES = 10_000;

	private final AuthenticationProvider delegate;

	private final Duration ttl;

	private final Clock clock;

	private final SecretKeySpec key;

	private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

	RememberedCredentials(AuthenticationProvider delegate, Duration ttl, Clock clock) {
		this.delegate = delegate;
		this.ttl = ttl;
		this.clock = clock;
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String username = authentication.getName();
		Object credentials = authentication.getCredentials();
		if (username == null || !(credentials instanceof String password)) {
			return delegate.authenticate(authentication);
		}
		byte[] digest = digest(username, password);
		long now = clock.millis();
		Remembered known = remembered.get(username);
		if (known != null && known.expiresAt > now && MessageDigest.isEqual(known.digest, digest)) {
			return known.result;
		}
		Authentication result = delegate.authenticate(authentication);
		if (result != null && result.isAuthenticated()) {
			if (remembered.size() >= MAX_ENTRIES) {
				remembered.clear();
			}
			UsernamePasswordAuthenticationToken safe = UsernamePasswordAuthenticationToken
				.authenticated(result.getPrincipal(), null, result.getAuthorities());
			safe.setDetails(result.getDetails());
			remembered.put(username, new Remembered(digest, safe, now + ttl.toMillis()));
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return delegate.supports(authentication);
	}

	/** Forgets a user at once (password or roles changed, account disabled). */
	void forget(String username) {
		remembered.remove(username);
	}

	private byte[] digest(String username, String password) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return mac.doFinal((username + '\0' + password).getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Remembered(byte[] digest, Authentication result, long expiresAt) {
	}

}
