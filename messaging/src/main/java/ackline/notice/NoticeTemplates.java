package ackline.notice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * Notice texts per type, language and part ({@code sms}, {@code subject}, {@code email}), from Mustache
 * templates under {@code templates/notice/TYPE/LANGUAGE/PART.mustache}. A template names the variables it
 * needs; a notice that does not supply one is refused before anything is written.
 */
public class NoticeTemplates {

	/** Variables Ackline supplies itself; the caller's {@code params} supply the rest. */
	static final Set<String> BUILT_IN = Set.of("clientName", "firm", "link", "ref", "ackDeadline");

	static final Set<String> LANGUAGES = Set.of("zh-CN", "en");

	private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false).defaultValue(null);

	private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

	/** The language we have templates for that best fits the requested one. */
	public String language(String requested, String fallback) {
		if (requested == null || requested.isBlank()) {
			return fallback;
		}
		String lower = requested.toLowerCase(Locale.ROOT);
		if (lower.startsWith("zh")) {
			return "zh-CN";
		}
		if (lower.startsWith("en")) {
			return "en";
		}
		return null;
	}

	/** Variables the caller must supply for this type, language and part. */
	public Set<String> required(NoticeType type, String language, String part) {
		return compiled(type, language, part).required();
	}

	public String render(NoticeType type, String language, String part, Map<String, ?> values) {
		return compiled(type, language, part).template().execute(values).strip();
	}

	private Compiled compiled(NoticeType type, String language, String part) {
		String path = "templates/notice/" + type.name() + "/" + language + "/" + part + ".mustache";
		return cache.computeIfAbsent(path, this::compile);
	}

	private Compiled compile(String path) {
		Resource resource = new ClassPathResource(path);
		String text;
		try (InputStream in = resource.getInputStream()) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("missing notice template " + path, ex);
		}
		Template template = compiler.compile(text);
		Set<String> required = new LinkedHashSet<>();
		template.visit(new Mustache.Visitor() {
			@Override
			public void visitText(String text) {
			}

			@Override
			public void visitVariable(String name) {
				if (!BUILT_IN.contains(name)) {
					required.add(name);
				}
			}

			@Override
			public boolean visitInclude(String name) {
				return false;
			}

			@Override
			public boolean visitSection(String name) {
				// A section is optional text: what it holds is only shown when its variable is present.
				return false;
			}

			@Override
			public boolean visitInvertedSection(String name) {
				return false;
			}
		});
		return new Compiled(template, Collections.unmodifiableSet(required));
	}

	private record Compiled(Template template, Set<String> required) {
	}

}
