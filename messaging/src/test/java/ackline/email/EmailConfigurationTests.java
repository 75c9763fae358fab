package ackline.email;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import ackline.notice.MailGateway;
import ackline.notice.MailReplyHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

import static org.assertj.core.api.Assertions.assertThat;

class EmailConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class, EmailConfiguration.class));

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(EmailConfiguration.class.getName());
	}

	@Test
	void providesTheMailGatewayWhenBootConfiguresAMailSender() {
		this.runner.withPropertyValues("spring.mail.host=localhost").run((context) -> {
			assertThat(context).hasSingleBean(MailGateway.class);
			assertThat(context.getBean(MailGateway.class)).isInstanceOf(JakartaMailGateway.class);
		});
	}

	@Test
	void noMailGatewayWithoutAMailSender() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MailGateway.class));
	}

	@Test
	void backsOffWhenTheApplicationHasItsOwnMailGateway() {
		MailGateway own = (mail) -> new MailGateway.SentMail(mail.messageId(), new byte[0]);
		this.runner.withPropertyValues("spring.mail.host=localhost")
			.withBean(MailGateway.class, () -> own)
			.run((context) -> assertThat(context.getBean(MailGateway.class)).isSameAs(own));
	}

	@Test
	void readsRepliesWhenEnabledWithAHostAndAHandler() throws IOException {
		this.runner.withBean(MailReplyHandler.class, () -> (mail) -> {
		}).withPropertyValues(imapProperties("true", "127.0.0.1")).run((context) -> {
			assertThat(context).hasSingleBean(ImapReplyReader.class);
			assertThat(context).hasSingleBean(ImapHealthIndicator.class);
			assertThat(context.getBean(ImapReplyReader.class).isRunning()).isTrue();
		});
	}

	@Test
	void noReaderWhenDisabled() throws IOException {
		this.runner.withBean(MailReplyHandler.class, () -> (mail) -> {
		}).withPropertyValues(imapProperties("false", "127.0.0.1")).run((context) -> {
			assertThat(context).doesNotHaveBean(ImapReplyReader.class);
			assertThat(context).doesNotHaveBean(ImapHealthIndicator.class);
		});
	}

	@Test
	void noReaderWithoutAHost() throws IOException {
		this.runner.withBean(MailReplyHandler.class, () -> (mail) -> {
		}).withPropertyValues(imapProperties("true", "")).run((context) -> {
			assertThat(context).doesNotHaveBean(ImapReplyReader.class);
		});
	}

	@Test
	void noReaderWithoutAHandler() throws IOException {
		this.runner.withPropertyValues(imapProperties("true", "127.0.0.1"))
			.run((context) -> assertThat(context).doesNotHaveBean(ImapReplyReader.class));
	}

	@Test
	void imapHealthCanBeSwitchedOff() throws IOException {
		this.runner.withBean(MailReplyHandler.class, () -> (mail) -> {
		}).withPropertyValues(imapProperties("true", "127.0.0.1")).withPropertyValues("management.health.imap.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(ImapReplyReader.class);
				assertThat(context).doesNotHaveBean(ImapHealthIndicator.class);
			});
	}

	@Test
	void settingsHaveDefaultsThatNeedOnlyAHostAndLogin() {
		this.runner.run((context) -> {
			ImapSettings settings = context.getBean(ImapSettings.class);
			assertThat(settings.enabled()).isFalse();
			assertThat(settings.active()).isFalse();
			assertThat(settings.protocol()).isEqualTo("imaps");
			assertThat(settings.port()).isZero();
			assertThat(settings.folder()).isEqualTo("INBOX");
			assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(5));
			assertThat(settings.idle()).isTrue();
			assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void keepsThePasswordOutOfToString() {
		this.runner.withPropertyValues("ackline.imap.password=hunter2").run((context) -> {
			assertThat(context.getBean(ImapSettings.class).password()).isEqualTo("hunter2");
			assertThat(context.getBean(ImapSettings.class).toString()).doesNotContain("hunter2");
		});
	}

	@Test
	void refusesAnUnknownProtocolAtStartUp() {
		this.runner.withPropertyValues("ackline.imap.protocol=pop3").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ackline.imap.protocol must be imap or imaps");
		});
	}

	@Test
	void worksUnderTheApplicationsComponentScanWithoutDuplicates() throws IOException {
		new ApplicationContextRunner().withUserConfiguration(ScanningApplication.class)
			.withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class, EmailConfiguration.class))
			.withPropertyValues("spring.mail.host=localhost")
			.withPropertyValues(imapProperties("true", "127.0.0.1"))
			.run((context) -> {
				assertThat(context).hasSingleBean(MailGateway.class);
				assertThat(context).hasSingleBean(ImapReplyReader.class);
				assertThat(context).hasSingleBean(ImapHealthIndicator.class);
				assertThat(context).hasSingleBean(ImapSettings.class);
			});
	}

	/** Scans like {@code @SpringBootApplication} does, with the handler declared by the application. */
	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackageClasses = EmailConfiguration.class,
			excludeFilters = { @Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
					@Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class) })
	static class ScanningApplication {

		@Bean
		MailReplyHandler mailReplyHandler() {
			return (mail) -> {
			};
		}

	}

	/** Settings pointing at a port nobody listens on, so a started reader only backs off. */
	private static String[] imapProperties(String enabled, String host) throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		return new String[] { "ackline.imap.enabled=" + enabled, "ackline.imap.host=" + host,
				"ackline.imap.port=" + closedPort, "ackline.imap.protocol=imap", "ackline.imap.username=u",
				"ackline.imap.password=p" };
	}

}
