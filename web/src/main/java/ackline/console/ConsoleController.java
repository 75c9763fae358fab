package ackline.console;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The two browser consoles: the agent's at {@code /agent}, the supervisor's (supervisors, auditors, admins) at
 * {@code /supervisor}. Plain pages and ES modules from {@code static/console/}; who may open which is the security
 * configuration's business. {@code /} sends a signed-in person to the console of their role.
 */
@Controller
class ConsoleController {

	private static final Resource AGENT = new ClassPathResource("static/console/agent.html");

	private static final Resource SUPERVISOR = new ClassPathResource("static/console/supervisor.html");

	@GetMapping({ "/agent", "/agent/" })
	ResponseEntity<Resource> agent() {
		return page(AGENT);
	}

	@GetMapping({ "/supervisor", "/supervisor/" })
	ResponseEntity<Resource> supervisor() {
		return page(SUPERVISOR);
	}

	@GetMapping("/")
	ResponseEntity<String> home(Authentication user) {
		String console = Consoles.landing(user);
		if (console == null) {
			return ResponseEntity.ok()
				.contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
				.body("Ackline: 此角色没有控制台 / no console for this role (API only)\n");
		}
		return ResponseEntity.status(302).header(HttpHeaders.LOCATION, console).build();
	}

	/**
	 * The consoles load only their own scripts, styles, recordings and socket: an injected script or a foreign frame
	 * has nowhere to run (inline style attributes stay allowed; no inline script is).
	 */
	static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
			+ "img-src 'self' data:; media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	private static ResponseEntity<Resource> page(Resource page) {
		return ResponseEntity.ok()
			.header("Content-Security-Policy", POLICY)
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noStore())
			.body(page);
	}

}
