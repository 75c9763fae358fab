package ackline.security;

import java.io.IOException;
import java.net.URI;

import ackline.console.Consoles;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * After the sign-in form: an agent lands on {@code /agent}, a supervisor, auditor or admin on {@code /supervisor}
 * (or on the page of that console they asked for before signing in, e.g. a deep link); anyone else where they were
 * going.
 */
class ConsoleLanding implements AuthenticationSuccessHandler {

	private final RequestCache requests = new HttpSessionRequestCache();

	private final SavedRequestAwareAuthenticationSuccessHandler otherwise = new SavedRequestAwareAuthenticationSuccessHandler();

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException, ServletException {
		String console = Consoles.landing(authentication);
		if (console == null) {
			otherwise.onAuthenticationSuccess(request, response, authentication);
			return;
		}
		SavedRequest saved = requests.getRequest(request, response);
		String target = request.getContextPath() + console;
		if (saved != null) {
			String path = URI.create(saved.getRedirectUrl()).getRawPath();
			String wanted = path == null ? "" : path.substring(Math.min(path.length(), request.getContextPath().length()));
			if (wanted.equals(console) || wanted.startsWith(console + "/")) {
				target = saved.getRedirectUrl();
			}
			requests.removeRequest(request, response);
		}
		response.sendRedirect(target);
	}

}
