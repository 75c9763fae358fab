package ackline.live;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveAccessTests {

	private final LiveAccess access = new LiveAccess();

	private static UsernamePasswordAuthenticationToken user(String name, String role) {
		return UsernamePasswordAuthenticationToken.authenticated(name, null, List.of(new SimpleGrantedAuthority("ROLE_" + role)));
	}

	private static Message<byte[]> frame(StompCommand command, String destination, UsernamePasswordAuthenticationToken user) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(command);
		headers.setDestination(destination);
		headers.setUser(user);
		headers.setSessionAttributes(new java.util.HashMap<>());
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

	@Test
	void agentsGetTheirOwnStreamsAndQueueDepthsOnly() {
		var agent = user("agent1", "AGENT");
		assertThat(access.preSend(frame(StompCommand.SUBSCRIBE, "/user/queue/tasks", agent), null)).isNotNull();
		assertThat(access.preSend(frame(StompCommand.SUBSCRIBE, "/user/queue/agent", agent), null)).isNotNull();
		assertThat(access.preSend(frame(StompCommand.SUBSCRIBE, "/topic/queues", agent), null)).isNotNull();
		for (String refused : List.of("/topic/agents", "/topic/calls", "/topic/notices", "/topic/tasks", "/topic/wallboard",
				"/user/agent2/queue/tasks", "/queue/tasks", "/topic/anything")) {
			assertThatThrownBy(() -> access.preSend(frame(StompCommand.SUBSCRIBE, refused, agent), null))
				.as(refused).isInstanceOf(AccessDeniedException.class);
		}
	}

	@Test
	void supervisorsSeeTheTopicsNotAnAgentsOwnStreamsAndNobodySends() {
		var supervisor = user("supervisor1", "SUPERVISOR");
		for (String topic : List.of("/topic/agents", "/topic/queues", "/topic/calls", "/topic/notices", "/topic/tasks",
				"/topic/wallboard")) {
			assertThat(access.preSend(frame(StompCommand.SUBSCRIBE, topic, supervisor), null)).as(topic).isNotNull();
		}
		assertThatThrownBy(() -> access.preSend(frame(StompCommand.SUBSCRIBE, "/user/queue/tasks", supervisor), null))
			.isInstanceOf(AccessDeniedException.class);
		assertThatThrownBy(() -> access.preSend(frame(StompCommand.SEND, "/topic/agents", supervisor), null))
			.isInstanceOf(AccessDeniedException.class);
		assertThatThrownBy(() -> access.preSend(frame(StompCommand.CONNECT, null, null), null))
			.isInstanceOf(AccessDeniedException.class);
	}

	@Test
	void theCsrfTokenIsAcceptedPlainOrXorMaskedAsSpringSecurityHandsItOut() {
		String token = "4f3c2b1a-0000-1111-2222-333344445555";
		byte[] plain = token.getBytes(StandardCharsets.UTF_8);
		byte[] masked = new byte[plain.length * 2];
		for (int i = 0; i < plain.length; i++) {
			masked[i] = (byte) (i * 37 + 11);
			masked[plain.length + i] = (byte) (plain[i] ^ masked[i]);
		}
		String xored = Base64.getUrlEncoder().encodeToString(masked);
		assertThat(LiveAccess.matches(token, token)).isTrue();
		assertThat(LiveAccess.matches(xored, token)).isTrue();
		assertThat(LiveAccess.matches(xored, token.replace('4', '5'))).isFalse();
		assertThat(LiveAccess.matches("not base64 !!", token)).isFalse();
		assertThat(LiveAccess.matches(Base64.getUrlEncoder().encodeToString(plain), token)).isFalse();
	}

	@Test
	void aBrowserSessionMustShowItsTokenOnConnect() {
		var supervisor = user("supervisor1", "SUPERVISOR");
		Message<byte[]> without = frame(StompCommand.CONNECT, null, supervisor);
		StompHeaderAccessor.getAccessor(without, StompHeaderAccessor.class).getSessionAttributes()
			.putAll(java.util.Map.of(LiveAccess.CSRF_TOKEN, "t0k3n", LiveAccess.CSRF_HEADER, "X-CSRF-TOKEN"));
		assertThatThrownBy(() -> access.preSend(without, null)).isInstanceOf(AccessDeniedException.class);
		Message<byte[]> with = frame(StompCommand.CONNECT, null, supervisor);
		StompHeaderAccessor headers = StompHeaderAccessor.getAccessor(with, StompHeaderAccessor.class);
		headers.getSessionAttributes().putAll(java.util.Map.of(LiveAccess.CSRF_TOKEN, "t0k3n", LiveAccess.CSRF_HEADER, "X-CSRF-TOKEN"));
		headers.addNativeHeader("X-CSRF-TOKEN", "t0k3n");
		assertThat(access.preSend(with, null)).isNotNull();
	}

}
