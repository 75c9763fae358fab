package ackline.email;

import ackline.notice.MailGateway;
import ackline.notice.MailReplyHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Wires the email adapter: the SMTP {@link MailGateway} when Boot has configured a {@link JavaMailSender}
 * ({@code spring.mail.*}), and the IMAP reply reader with its health indicator when {@code ackline.imap} is
 * enabled with a host and a {@link MailReplyHandler} exists.
 */
// An auto-configuration, not a scanned @Configuration: its conditions look for beans that Boot's mail
// auto-configuration and the notice module register, and only auto-configurations are evaluated after those.
// @SpringBootApplication's AutoConfigurationExcludeFilter keeps it out of the scan of package "ackline".
@AutoConfiguration(afterName = "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration")
@EnableConfigurationProperties(ImapSettings.class)
public class EmailConfiguration {

	@Bean
	@ConditionalOnBean(JavaMailSender.class)
	@ConditionalOnMissingBean(MailGateway.class)
	JakartaMailGateway jakartaMailGateway(JavaMailSender sender) {
		return new JakartaMailGateway(sender);
	}

	// flat bean methods, not a nested @Configuration: component scanning of "ackline" would pick a nested
	// configuration up on its own and evaluate its conditions before the beans they look for exist
	@Bean
	@Conditional(ImapConfigured.class)
	@ConditionalOnBean(MailReplyHandler.class)
	ImapReplyReader imapReplyReader(ImapSettings settings, MailReplyHandler handler) {
		return new ImapReplyReader(settings, handler);
	}

	@Bean
	@Conditional(ImapConfigured.class)
	@ConditionalOnBean(MailReplyHandler.class)
	@ConditionalOnEnabledHealthIndicator("imap")
	ImapHealthIndicator imapHealthIndicator(ImapSettings settings, ImapReplyReader reader) {
		return new ImapHealthIndicator(settings, reader);
	}

	/** {@code ackline.imap.enabled=true} and a non-empty {@code ackline.imap.host}. */
	static class ImapConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("IMAP reply reader");
			Binder binder = Binder.get(context.getEnvironment());
			if (!binder.bind("ackline.imap.enabled", Boolean.class).orElse(false)) {
				return ConditionOutcome.noMatch(message.because("ackline.imap.enabled is not true"));
			}
			if (binder.bind("ackline.imap.host", String.class).orElse("").isBlank()) {
				return ConditionOutcome.noMatch(message.because("ackline.imap.host is empty"));
			}
			return ConditionOutcome.match(message.because("ackline.imap is enabled with a host"));
		}

	}

}
