package ackline.live;

import java.nio.charset.StandardCharsets;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.socket.messaging.StompSubProtocolErrorHandler;

/**
 * ERROR frames that say what was refused ({@code message} header, and a problem-details body), instead of the
 * channel's internal wording; the connection is closed after it, as STOMP requires.
 */
final class LiveErrors extends StompSubProtocolErrorHandler {

	@Override
	public Message<byte[]> handleClientMessageProcessingError(Message<byte[]> clientMessage, Throwable ex) {
		AccessDeniedException denied = find(ex);
		if (denied == null) {
			return super.handleClientMessageProcessingError(clientMessage, ex);
		}
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.ERROR);
		headers.setMessage("refused: " + denied.getMessage());
		headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		String body = "{\"type\":\"https://ackline.local/problems/forbidden\",\"title\":\"无权访问 / Forbidden\",\"status\":403,"
				+ "\"detail\":\"" + denied.getMessage().replace("\"", "'") + "\"}";
		return MessageBuilder.createMessage(body.getBytes(StandardCharsets.UTF_8), headers.getMessageHeaders());
	}

	private static AccessDeniedException find(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof AccessDeniedException a) {
				return a;
			}
		}
		return null;
	}

}
