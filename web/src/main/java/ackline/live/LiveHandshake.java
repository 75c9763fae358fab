package ackline.live;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Remembers, for a handshake made with a browser session (no Authorization header), the session's CSRF token, which
 * {@link LiveAccess} then requires in the CONNECT frame. Scripts that sign the handshake with HTTP Basic skip it.
 */
final class LiveHandshake implements HandshakeInterceptor {

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		if (request.getHeaders().getFirst("Authorization") != null || !(request instanceof ServletServerHttpRequest servlet)) {
			return true;
		}
		HttpServletRequest http = servlet.getServletRequest();
		Object deferred = http.getAttribute(DeferredCsrfToken.class.getName());
		CsrfToken token = deferred instanceof DeferredCsrfToken d ? d.get() : null;
		if (token == null && http.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken t) {
			token = t;
		}
		if (token != null) {
			attributes.put(LiveAccess.CSRF_TOKEN, token.getToken());
			attributes.put(LiveAccess.CSRF_HEADER, token.getHeaderName());
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}
