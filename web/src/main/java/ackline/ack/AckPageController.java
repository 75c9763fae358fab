package ackline.ack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;

import ackline.notice.AckLinks;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page a client reaches from the link in the SMS or email: the notice, and a 确认已知晓 button.
 * Opening the page changes nothing (link scanners open it too); only the button acknowledges.
 */
@RestController
class AckPageController {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	private final AckLinks links;

	private final Template page;

	AckPageController(AckLinks links) {
		this.links = links;
		try (InputStream in = new ClassPathResource("templates/ack/page.mustache").getInputStream()) {
			this.page = Mustache.compiler().compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@GetMapping(path = "/ack/{token}", produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> show(@PathVariable String token, @RequestParam(required = false) String lang,
			HttpServletRequest request) {
		return render(links.open(token, request.getRemoteAddr(), request.getHeader("User-Agent")), token, lang);
	}

	@PostMapping(path = "/ack/{token}", produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> confirm(@PathVariable String token, @RequestParam(required = false) String lang,
			HttpServletRequest request) {
		return render(links.confirm(token, request.getRemoteAddr(), request.getHeader("User-Agent")), token, lang);
	}

	private ResponseEntity<String> render(Optional<AckLinks.LinkView> view, String token, String lang) {
		String language = lang != null ? lang : view.map(AckLinks.LinkView::language).orElse("zh-CN");
		boolean english = language.toLowerCase(Locale.ROOT).startsWith("en");
		ResourceBundle texts = ResourceBundle.getBundle("i18n/ack", english ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE);
		Map<String, Object> model = new HashMap<>();
		for (String key : texts.keySet()) {
			model.put(key.replace('.', '_'), texts.getString(key));
		}
		model.put("lang", english ? "en" : "zh-CN");
		model.put("otherLang", english ? "zh-CN" : "en");
		model.put("token", token);
		HttpStatus status = HttpStatus.OK;
		if (view.isEmpty()) {
			model.put("message", texts.getString("unknown"));
			status = HttpStatus.NOT_FOUND;
		}
		else {
			AckLinks.LinkView v = view.get();
			model.put("ref", v.ref());
			model.put("title", texts.getString("type." + v.type().name()));
			model.put("clientName", v.clientName());
			model.put("text", v.text());
			switch (v.state()) {
				case OPEN -> model.put("open", true);
				case ACKNOWLEDGED -> model.put("message", (v.acknowledgedNow() ? texts.getString("done") : texts.getString("already"))
						+ " " + TIME.format(v.acknowledgedAt().atZone(SHANGHAI)));
				case USED -> model.put("message", texts.getString("used"));
				case EXPIRED -> {
					model.put("message", texts.getString("expired"));
					status = HttpStatus.GONE;
				}
			}
			if (v.expiresAt() != null) {
				model.put("expires", TIME.format(v.expiresAt().atZone(SHANGHAI)));
			}
		}
		return ResponseEntity.status(status)
			.cacheControl(CacheControl.noStore())
			.header("Referrer-Policy", "no-referrer")
			.contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
			.body(page.execute(model));
	}

}
