package ackline.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who may do what over STOMP. The handshake already required a signed-in user (session or HTTP Basic). A browser
 * session must also show its CSRF token in the CONNECT frame; every SUBSCRIBE is checked against the stream's roles
 * (an agent gets its own {@code /user/queue/...} streams and the queue depths, nothing else); clients never SEND: the
 * server decides state, and a client must not be able to write to other consoles' topics.
 */
final class LiveAccess implements ChannelInterceptor {

	private static final Logger log = LoggerFactory.getLogger(LiveAccess.class);

	static final String CSRF_TOKEN = "ackline.csrf.token";

	static final String CSRF_HEADER = "ackline.csrf.header";

	/** Where refusals are written (the access audit, R-EV-5): who, what command, which destination, why. */
	interface Refusals {

		void refused(String user, String command, String destination, String reason);

	}

	private final Refusals refusals;

	LiveAccess() {
		this((user, command, destination, reason) -> {
		});
	}

	LiveAccess(Refusals refusals) {
		this.refusals = refusals;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor stomp = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		if (stomp == null || stomp.getCommand() == null) {
			return message;
		}
		StompCommand command = stomp.getCommand();
		Principal user = stomp.getUser();
		switch (command) {
			case CONNECT, STOMP -> {
				if (user == null) {
					throw new AccessDeniedException("sign in first");
				}
				try {
					checkCsrf(stomp);
				}
				catch (AccessDeniedException ex) {
					audit(user, "CONNECT", null, "csrf");
					throw ex;
				}
			}
			case SUBSCRIBE -> {
				String destination = stomp.getDestination();
				LiveStream stream = destination == null ? null : LiveStream.bySubscription(destination).orElse(null);
				if (stream == null) {
					refuse(user, "SUBSCRIBE", destination, "no such stream");
				}
				if (!allowed(user, stream)) {
					refuse(user, "SUBSCRIBE", destination, "role");
				}
			}
			case SEND -> refuse(user, "SEND", stomp.getDestination(), "clients do not send");
			default -> {
			}
		}
		return message;
	}

	static boolean allowed(Principal user, LiveStream stream) {
		return roles(user).stream().anyMatch(stream.roles::contains);
	}

	static Set<String> roles(Principal user) {
		if (!(user instanceof Authentication auth)) {
			return Set.of();
		}
		return auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
			.filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).collect(Collectors.toSet());
	}

	private void refuse(Principal user, String command, String destination, String reason) {
		log.warn("STOMP {} to {} refused for {} ({})", command, destination, user == null ? "nobody" : user.getName(),
				reason);
		audit(user, command, destination, reason);
		throw new AccessDeniedException(command + " " + destination + " refused");
	}

	private void audit(Principal user, String command, String destination, String reason) {
		if (user == null) {
			return;
		}
		try {
			refusals.refused(user.getName(), command, destination, reason);
		}
		catch (RuntimeException ex) {
			log.warn("STOMP refusal not audited: {}", ex.toString());
		}
	}

	private static void checkCsrf(StompHeaderAccessor stomp) {
		Map<String, Object> session = stomp.getSessionAttributes();
		String expected = session == null ? null : (String) session.get(CSRF_TOKEN);
		if (expected == null) {
			return; // not a browser session: HTTP Basic has no ambient credential to forge
		}
		String header = (String) session.get(CSRF_HEADER);
		String actual = stomp.getFirstNativeHeader(header);
		if (actual == null || !matches(actual, expected)) {
			throw new AccessDeniedException("CONNECT without the session's CSRF token");
		}
	}

	/**
	 * Whether a token the page got (masked by Spring Security's XOR handler: random bytes, then the token XOR those
	 * bytes, Base64-URL) is the session's token; the plain token is accepted too.
	 */
	static boolean matches(String actual, String expected) {
		byte[] want = expected.getBytes(StandardCharsets.UTF_8);
		if (MessageDigest.isEqual(actual.getBytes(StandardCharsets.UTF_8), want)) {
			return true;
		}
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(actual);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		int size = want.length;
		if (bytes.length != size * 2) {
			return false;
		}
		byte[] plain = new byte[size];
		for (int i = 0; i < size; i++) {
			plain[i] = (byte) (bytes[i] ^ bytes[size + i]);
		}
		return MessageDigest.isEqual(plain, want);
	}

}
